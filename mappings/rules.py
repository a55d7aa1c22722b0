"""The rule language admins write in ``config/mappings.yaml``, as pydantic models.

A rule file holds named ``lists`` of values (business ids, names) and ordered ``rules``.
Each rule has a ``name``, conditions under ``when`` (a mapping, or a list that must all
hold), and what it assigns: a primary ``category``, ``secondary`` categories and
``flags``. A condition is one of:

- a test of a field: ``field`` plus one or more of ``equals``, ``in``, ``in_list``,
  ``prefix``, ``regex``, ``exists``, ``gt``, ``gte``, ``lt``, ``lte`` (all must hold);
- ``role``: the record holds one of these roles;
- ``all`` / ``any``: a list of conditions; ``not``: one condition.

Values are checked where they are written (fields, operators, categories, roles,
regular expressions, business ids); what needs the whole file (list names, duplicate
rule names, shadowed rules) is checked by ``mappings.check``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal, NoReturn

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from mappings.categories import CATEGORY_IDS, UNCLASSIFIED
from mappings.facts import (
    FIELD_KINDS,
    field_kind,
    fold_pattern,
    is_numeric_field,
    normalise_business_id,
)
from mappings.model import Role
from mappings.problems import suggest

ROLE_IDS: tuple[str, ...] = tuple(role.value for role in Role)
FIELD_OPERATORS = (
    "equals",
    "in",
    "in_list",
    "prefix",
    "regex",
    "exists",
    "gt",
    "gte",
    "lt",
    "lte",
)
NUMERIC_OPERATORS = ("gt", "gte", "lt", "lte")
CONDITION_KINDS = ("field", "role", "all", "any", "not")
RESERVED_PREFIX = "override:"


def _check_category(value: str) -> str:
    if value not in CATEGORY_IDS:
        known = sorted(CATEGORY_IDS)
        raise PydanticCustomError(
            "unknown_category",
            "unknown category '{value}'",
            {
                "value": value,
                "hint": f"Use one of: {', '.join(known)}" + suggest(value, known),
            },
        )
    return value


def _check_role(value: str) -> str:
    if value not in ROLE_IDS:
        raise PydanticCustomError(
            "unknown_role",
            "unknown role '{value}'",
            {
                "value": value,
                "hint": f"Use one of: {', '.join(ROLE_IDS)}" + suggest(value, ROLE_IDS),
            },
        )
    return value


def _check_regex(value: str) -> str:
    try:
        re.compile(fold_pattern(value), re.IGNORECASE)
    except re.error as exc:
        raise PydanticCustomError(
            "bad_regex",
            "invalid regular expression '{value}': {reason}",
            {
                "value": value,
                "reason": str(exc),
                "hint": "Fix the pattern; in YAML, write it in single quotes so that "
                "backslashes stay as written",
            },
        ) from None
    return value


def _listed(value: Any) -> Any:
    return [value] if isinstance(value, str | int | float) else value


def _check_name(value: str) -> str:
    if value.startswith(RESERVED_PREFIX) or value.startswith("("):
        raise PydanticCustomError(
            "reserved_name",
            "rule name '{value}' is reserved",
            {
                "value": value,
                "hint": f"Choose a name not starting with {RESERVED_PREFIX!r} or '('",
            },
        )
    return value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
CategoryId = Annotated[str, AfterValidator(_check_category)]
RoleId = Annotated[str, AfterValidator(_check_role)]
Regex = Annotated[str, AfterValidator(_check_regex)]
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
RuleName = Annotated[
    Text, StringConstraints(max_length=120), AfterValidator(_check_name)
]
TextList = Annotated[list[Text], BeforeValidator(_listed), Field(min_length=1)]
RegexList = Annotated[list[Regex], BeforeValidator(_listed), Field(min_length=1)]
RoleList = Annotated[list[RoleId], BeforeValidator(_listed), Field(min_length=1)]


class Strict(BaseModel):
    """A part of an admin file that refuses unknown keys, catching typos."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Condition(Strict):
    """One condition: a field test, a role test, or a combination of conditions."""

    field: Text | None = None
    equals: Text | None = None
    in_: TextList | None = Field(None, alias="in")
    in_list: Text | None = None
    prefix: TextList | None = None
    regex: RegexList | None = None
    exists: bool | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    role: RoleList | None = None
    all: list[Condition] | None = Field(None, min_length=1)
    any: list[Condition] | None = Field(None, min_length=1)
    not_: Condition | None = Field(None, alias="not")

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str | None) -> str | None:
        if value is not None and field_kind(value) is None:
            known = sorted(FIELD_KINDS)
            raise PydanticCustomError(
                "unknown_field",
                "unknown field '{value}'",
                {
                    "value": value,
                    "hint": f"Use one of: {', '.join(known)}, or "
                    f"extra.<name>{suggest(value, known)}",
                },
            )
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        kinds = [kind for kind in CONDITION_KINDS if self.value_of(kind) is not None]
        operators = self.operators()
        if operators and self.field is None:
            refuse(
                "operator_without_field",
                f"{operators[0]!r} needs a `field:` to test",
                "Add `field: <name>` beside it, e.g. field: industry_code",
            )
        if len(kinds) != 1:
            found = ", ".join(kinds) or "nothing"
            refuse(
                "condition_shape",
                f"a condition needs exactly one of field, role, "
                f"all, any, not; this one has {found}",
                "Split it into several conditions under `all:` or `any:`",
            )
        if self.field is not None and not operators:
            refuse(
                "field_without_operator",
                f"the test of {self.field!r} has no operator",
                f"Add one of: {', '.join(FIELD_OPERATORS)}",
            )
        self._check_field_use()
        return self

    def value_of(self, key: str) -> Any:
        """Return the value under ``key`` as written (``in`` and ``not`` included)."""
        return getattr(self, {"in": "in_", "not": "not_"}.get(key, key))

    def operators(self) -> list[str]:
        """Return the field operators this condition uses, in the documented order."""
        return [op for op in FIELD_OPERATORS if self.value_of(op) is not None]

    def _check_field_use(self) -> None:
        field = self.field
        if field is None:
            return
        numeric = [op for op in NUMERIC_OPERATORS if self.value_of(op) is not None]
        if numeric and not is_numeric_field(field):
            refuse(
                "not_numeric",
                f"{numeric[0]!r} compares numbers, and {field!r} is not a number",
                "Use it on industry_code, postcode, extra.<name>, or "
                "on roles, units, staff or activities to compare how many they hold",
            )
        if field == "business_id":
            for value in [self.equals, *(self.in_ or [])]:
                if value is not None and normalise_business_id(value) is None:
                    refuse(
                        "bad_business_id",
                        f"{value!r} is not a valid business id",
                        "Write a Y-tunnus such as 2725690-3; check it in YTJ",
                    )


def refuse(kind: str, message: str, hint: str) -> NoReturn:
    """Refuse a value inside a validator, with a message and a hint for the admin.

    Raises:
        PydanticCustomError: always; ``mappings.problems`` shows its hint.
    """
    raise PydanticCustomError(
        kind, message.replace("{", "{{").replace("}", "}}"), {"hint": hint}
    )


def _when_kind(value: Any) -> str:
    return "conditions" if isinstance(value, list) else "condition"


When = Annotated[
    Annotated[Condition, Tag("condition")]
    | Annotated[list[Condition], Tag("conditions")],
    Discriminator(_when_kind),
]


class Rule(Strict):
    """One ordered rule: when its conditions hold, what it assigns."""

    name: RuleName
    description: str = ""
    enabled: bool = True
    when: When | None = None
    category: CategoryId | None = None
    secondary: list[CategoryId] = Field(default_factory=list)
    flags: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _assigns_something(self) -> Rule:
        if self.category is None and not self.secondary and not self.flags:
            refuse(
                "no_outcome",
                f"rule {self.name!r} assigns nothing",
                "Add `category:`, `secondary:` or `flags:`",
            )
        if UNCLASSIFIED in self.secondary:
            refuse(
                "unclassified_secondary",
                f"rule {self.name!r} lists {UNCLASSIFIED!r} as a secondary category",
                "Remove it: only a primary category can be unclassified",
            )
        return self

    @property
    def conditions(self) -> list[Condition]:
        """Return the conditions that must all hold; none: the rule always holds."""
        if self.when is None:
            return []
        return self.when if isinstance(self.when, list) else [self.when]


class RuleFile(Strict):
    """The whole of ``config/mappings.yaml``."""

    version: Literal[1] = 1
    description: str = ""
    lists: dict[Identifier, list[Text]] = Field(default_factory=dict)
    rules: list[Rule] = Field(min_length=1)
