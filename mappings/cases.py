"""Test cases admins write for their rules, run like unit tests.

``config/mappings_tests.yaml`` lists cases: a record (or the ``records`` of one partner)
with its fields and roles, and the expected primary category, optionally the secondary
categories, flags and the deciding rule. ``sidos mappings test`` runs them against the
rules, so a change to the rules that breaks an agreed classification is caught before
it goes live.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, model_validator

from mappings.classify import Classification, classify_partner
from mappings.documents import load_document
from mappings.facts import normalise_business_id
from mappings.model import Organisation, SourceRef
from mappings.problems import validate_model
from mappings.rules import CategoryId, Identifier, RoleId, Strict, Text, refuse
from mappings.ruleset import RuleSet

EMPTY_CASES_HINT = (
    "Write `cases:` with at least one case: a `record:` and what to `expect:`"
)


class CaseRecord(Strict):
    """The fields of one record in a case; any canonical text field may be given."""

    name: str = ""
    business_id: str | None = None
    domain: str | None = None
    country: str | None = None
    municipality: str | None = None
    postcode: str | None = None
    address: str | None = None
    phone: str | None = None
    industry_code: str | None = None
    legal_form: str | None = None
    owner_id: str | None = None
    roles: list[RoleId] = Field(default_factory=list)
    units: list[str] = Field(default_factory=list)
    staff: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)

    def organisation(self, ref: SourceRef) -> Organisation:
        """Build the normalised record this case describes."""
        valid_id = normalise_business_id(self.business_id) if self.business_id else None
        return Organisation(
            ref=ref,
            name=self.name,
            business_id=valid_id,
            business_id_raw=self.business_id if valid_id is None else None,
            domain=self.domain,
            country=self.country,
            municipality=self.municipality,
            postcode=self.postcode,
            address=self.address,
            phone=self.phone,
            industry_code=self.industry_code,
            legal_form=self.legal_form,
            owner_id=self.owner_id,
            roles=frozenset(self.roles),
            units=frozenset(self.units),
            staff=frozenset(self.staff),
            extra=dict(self.extra),
        )


class Expectation(Strict):
    """What a case expects; what is left out is not compared."""

    primary: CategoryId
    secondary: list[CategoryId] | None = None
    flags: list[Identifier] | None = None
    rule: Text | None = None


class Case(Strict):
    """One case: a record or a partner's records, and the expected result."""

    name: Text
    record: CaseRecord | None = None
    records: list[CaseRecord] | None = Field(None, min_length=1)
    partner_id: Text | None = None
    expect: Expectation

    @model_validator(mode="after")
    def _one_subject(self) -> Case:
        if (self.record is None) == (self.records is None):
            refuse(
                "case_subject",
                f"case {self.name!r} needs exactly one of `record:` and `records:`",
                "Use `record:` for one record, `records:` for the records of a partner",
            )
        return self

    def members(self, index: int) -> list[Organisation]:
        """Build the records of this case."""
        records = self.records if self.records is not None else [self.record]
        return [
            record.organisation(SourceRef("case", f"{index}.{position}"))
            for position, record in enumerate(records)
            if record is not None
        ]


class CaseFile(Strict):
    """The whole of ``config/mappings_tests.yaml``."""

    version: int = 1
    cases: list[Case] = Field(min_length=1)


@dataclass(frozen=True)
class Difference:
    """One expectation a case did not meet."""

    what: str
    expected: str
    got: str


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case."""

    name: str
    line: int
    got: Classification
    differences: tuple[Difference, ...]

    @property
    def passed(self) -> bool:
        """Return whether the case met every expectation."""
        return not self.differences


def run_cases(path: Path, ruleset: RuleSet) -> list[CaseResult]:
    """Read the cases in ``path`` and run each against the rules.

    Args:
        path: the cases file.
        ruleset: the rules (and overrides) to test.

    Returns:
        One result per case, in file order.

    Raises:
        ConfigError: the cases file is missing or invalid; each problem is located.
    """
    document = load_document(path)
    cases = validate_model(document, CaseFile, empty_hint=EMPTY_CASES_HINT).cases
    results = []
    for index, case in enumerate(cases):
        got = classify_partner(case.members(index), ruleset, partner_id=case.partner_id)
        line = document.locate(("cases", index, "name"))[0]
        results.append(CaseResult(case.name, line, got, compare(case.expect, got)))

    return results


def compare(expect: Expectation, got: Classification) -> tuple[Difference, ...]:
    """Return every way in which ``got`` differs from what is expected."""
    differences = []
    if expect.primary != got.primary:
        differences.append(Difference("primary", expect.primary, got.primary))
    if expect.secondary is not None and set(expect.secondary) != set(got.secondary):
        differences.append(
            Difference("secondary", _shown(expect.secondary), _shown(got.secondary))
        )
    if expect.flags is not None and set(expect.flags) != got.flags:
        differences.append(Difference("flags", _shown(expect.flags), _shown(got.flags)))
    if expect.rule is not None and expect.rule != got.rule:
        differences.append(Difference("rule", expect.rule, got.rule))

    return tuple(differences)


def _shown(values: list[str] | tuple[str, ...] | frozenset[str]) -> str:
    return "[" + ", ".join(sorted(values)) + "]"
