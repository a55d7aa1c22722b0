"""Company property definitions: the standard ones, the institution's, and new ones.

The registry answers the properties API and checks every value written to a company,
as HubSpot does: an unknown or read-only property fails the write, an enumeration
takes only its options, a number must parse, and the owner property takes only the
id of an existing owner (never its ``userId``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.hubspot.sandbox.errors import (
    CONFLICT,
    SandboxAPIError,
    validation_error,
)

PROPERTY_TYPES = frozenset(
    {"bool", "date", "datetime", "enumeration", "number", "phone_number", "string"}
)
NUMERIC_TYPES = frozenset({"number", "datetime", "date"})
OWNER_PROPERTY = "hubspot_owner_id"
MAX_UNIQUE_PROPERTIES = 10


@dataclass
class PropertyDef:
    """One company property, with what the properties API reports about it."""

    name: str
    label: str
    type: str = "string"
    field_type: str = "text"
    group_name: str = "companyinformation"
    description: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    has_unique_value: bool = False
    read_only: bool = False
    hubspot_defined: bool = True
    external_options: bool = False
    referenced_object_type: str = ""
    display_order: int = -1
    created_at: int = 0
    updated_at: int = 0

    @property
    def option_values(self) -> frozenset[str]:
        """Return the values an enumeration accepts."""
        return frozenset(str(option["value"]) for option in self.options)


@dataclass
class PropertyGroup:
    """A property group, as ``/crm/v3/properties/companies/groups`` shows it."""

    name: str
    label: str
    display_order: int = -1


def _options(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [
        {"label": label, "value": value, "displayOrder": index, "hidden": False}
        for index, (value, label) in enumerate(pairs)
    ]


def standard_properties() -> list[PropertyDef]:
    """Return HubSpot's standard company properties plus the institution's own."""
    text = PropertyDef
    return [
        text("name", "Company name"),
        text("domain", "Company domain name"),
        text("website", "Website URL"),
        text("phone", "Phone number", type="phone_number", field_type="phonenumber"),
        text("address", "Street address"),
        text("address2", "Street address 2"),
        text("city", "City"),
        text("zip", "Postal code"),
        text("state", "State/Region"),
        text("country", "Country/Region"),
        text("description", "Description", field_type="textarea"),
        text(
            "numberofemployees",
            "Number of employees",
            type="number",
            field_type="number",
        ),
        text("annualrevenue", "Annual revenue", type="number", field_type="number"),
        text(
            "industry",
            "Industry",
            type="enumeration",
            field_type="select",
            options=_options(
                ("COMPUTER_SOFTWARE", "Computer Software"),
                ("CONSTRUCTION", "Construction"),
                ("MANAGEMENT_CONSULTING", "Management Consulting"),
                ("MACHINERY", "Machinery"),
                ("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"),
                ("HIGHER_EDUCATION", "Higher Education"),
                ("RESEARCH", "Research"),
                ("MEDIA_PRODUCTION", "Media Production"),
                ("GOVERNMENT_ADMINISTRATION", "Government Administration"),
                ("NON_PROFIT_ORGANIZATION_MANAGEMENT", "Non-Profit Organization"),
                ("FINANCIAL_SERVICES", "Financial Services"),
            ),
        ),
        text(
            "type",
            "Type",
            type="enumeration",
            field_type="select",
            options=_options(
                ("PROSPECT", "Prospect"),
                ("PARTNER", "Partner"),
                ("VENDOR", "Vendor"),
                ("OTHER", "Other"),
            ),
        ),
        text(
            "lifecyclestage",
            "Lifecycle stage",
            type="enumeration",
            field_type="radio",
            options=_options(
                ("lead", "Lead"),
                ("customer", "Customer"),
                ("evangelist", "Evangelist"),
                ("other", "Other"),
            ),
        ),
        text(
            OWNER_PROPERTY,
            "Company owner",
            type="enumeration",
            field_type="select",
            external_options=True,
            referenced_object_type="OWNER",
        ),
        text(
            "createdate",
            "Create date",
            type="datetime",
            field_type="date",
            read_only=True,
        ),
        text(
            "hs_lastmodifieddate",
            "Last modified date",
            type="datetime",
            field_type="date",
            read_only=True,
        ),
        text(
            "hs_object_id",
            "Record ID",
            type="number",
            field_type="number",
            read_only=True,
        ),
        text(
            "hs_merged_object_ids",
            "Merged record IDs",
            type="enumeration",
            field_type="checkbox",
            read_only=True,
        ),
        text(
            "y_tunnus",
            "Y-tunnus",
            group_name="organisaatiotiedot",
            description="Finnish business id (Y-tunnus)",
            hubspot_defined=False,
        ),
        text(
            "toimialakoodi",
            "Toimialakoodi",
            group_name="organisaatiotiedot",
            description="Industry code, TOL 2008",
            hubspot_defined=False,
        ),
    ]


def standard_groups() -> list[PropertyGroup]:
    """Return the property groups a fresh sandbox holds."""
    return [
        PropertyGroup("companyinformation", "Company information", 0),
        PropertyGroup("organisaatiotiedot", "Organisaatiotiedot", 1),
    ]


class PropertyRegistry:
    """The company properties and groups of one sandbox account.

    Not thread-safe on its own: the store calls it under its lock.
    """

    def __init__(self, now: int) -> None:
        self.properties: dict[str, PropertyDef] = {}
        self.groups: dict[str, PropertyGroup] = {
            group.name: group for group in standard_groups()
        }
        for definition in standard_properties():
            definition.created_at = definition.updated_at = now
            self.properties[definition.name] = definition

    @property
    def unique_names(self) -> list[str]:
        """Return the properties created with ``hasUniqueValue``."""
        return [p.name for p in self.properties.values() if p.has_unique_value]

    def get(self, name: str) -> PropertyDef:
        """Return one property definition.

        Raises:
            SandboxAPIError: 404 when no property has that name.
        """
        definition = self.properties.get(name)
        if definition is None:
            raise SandboxAPIError(
                404, "OBJECT_NOT_FOUND", f"Unable to find property {name} for company"
            )
        return definition

    def create(self, body: Mapping[str, Any], now: int) -> PropertyDef:
        """Create a property from a ``PropertyCreate`` body.

        Raises:
            SandboxAPIError: 400 for a missing or invalid field, 409 when it exists.
        """
        definition = _definition_from(body)
        if definition.name in self.properties:
            raise SandboxAPIError(
                409, CONFLICT, f"A property named '{definition.name}' already exists."
            )
        if definition.group_name not in self.groups:
            raise validation_error(
                f"Property group '{definition.group_name}' does not exist; create it "
                "first with POST /crm/v3/properties/companies/groups"
            )
        if definition.has_unique_value and (
            len(self.unique_names) >= MAX_UNIQUE_PROPERTIES
        ):
            raise validation_error("A company can have at most 10 unique properties")
        definition.created_at = definition.updated_at = now
        self.properties[definition.name] = definition
        return definition

    def update(self, name: str, body: Mapping[str, Any], now: int) -> PropertyDef:
        """Change a property from a ``PropertyUpdate`` body; absent fields stay.

        ``options``, when given, replace the old ones, as at HubSpot.

        Raises:
            SandboxAPIError: 404 when no property has that name, 400 for a type
                HubSpot does not know or a change to a HubSpot-defined definition.
        """
        definition = self.get(name)
        kind = body.get("type", definition.type)
        if kind not in PROPERTY_TYPES:
            raise validation_error(
                f"type {kind!r} is not one of {', '.join(sorted(PROPERTY_TYPES))}"
            )
        retyped = (kind, body.get("fieldType", definition.field_type)) != (
            definition.type,
            definition.field_type,
        )
        if retyped and definition.hubspot_defined:
            raise validation_error(
                f"Property {name} is defined by HubSpot; its type cannot change"
            )
        definition.type = str(kind)
        definition.field_type = str(body.get("fieldType", definition.field_type))
        for key, attribute in _UPDATABLE.items():
            if key in body:
                setattr(definition, attribute, str(body[key]))
        if "options" in body:
            definition.options = _options_from(body.get("options") or [])
        definition.updated_at = now
        return definition

    def create_group(self, body: Mapping[str, Any]) -> PropertyGroup:
        """Create a property group from ``{name, label, displayOrder}``.

        Raises:
            SandboxAPIError: 400 without a name or label, 409 when it exists.
        """
        name, label = body.get("name"), body.get("label")
        if not isinstance(name, str) or not name or not isinstance(label, str):
            raise validation_error("A property group needs a 'name' and a 'label'")
        if name in self.groups:
            raise SandboxAPIError(
                409, CONFLICT, f"A property group named '{name}' already exists."
            )
        group = PropertyGroup(name, label, int(body.get("displayOrder", -1)))
        self.groups[name] = group
        return group

    def check_values(
        self,
        values: Mapping[str, Any],
        *,
        is_owner: Callable[[str], bool],
    ) -> dict[str, str]:
        """Return ``values`` as HubSpot stores them: strings, ``""`` meaning cleared.

        Raises:
            SandboxAPIError: 400 naming every unknown, read-only or invalid value.
        """
        checked: dict[str, str] = {}
        problems: list[str] = []
        for name, raw in values.items():
            text = _as_text(raw)
            problem = self._problem(name, text, is_owner)
            if problem:
                problems.append(problem)
            else:
                checked[name] = text
        if problems:
            raise SandboxAPIError(
                400,
                "VALIDATION_ERROR",
                "Property values were not valid: " + "; ".join(problems),
                context={"properties": sorted(values)},
            )
        return checked

    def _problem(self, name: str, text: str, is_owner: Callable[[str], bool]) -> str:
        definition = self.properties.get(name)
        if definition is None:
            return f'Property "{name}" does not exist (PROPERTY_DOESNT_EXIST)'
        if definition.read_only:
            return f'Property "{name}" is read-only (READ_ONLY_VALUE)'
        if text == "":
            return ""
        if definition.name == OWNER_PROPERTY and not is_owner(text):
            return f"{text} is not a valid owner id (INVALID_OWNER_ID)"
        if definition.type == "number" and not _is_number(text):
            return f'{text} is not a valid number for "{name}" (INVALID_INTEGER)'
        if definition.type == "enumeration" and definition.options:
            unknown = set(text.split(";")) - definition.option_values
            if unknown:
                return f'{text} was not one of the allowed options for "{name}"'
        return ""


_UPDATABLE = {"label": "label", "description": "description", "groupName": "group_name"}


def _definition_from(body: Mapping[str, Any]) -> PropertyDef:
    missing = [
        key
        for key in ("name", "label", "type", "fieldType", "groupName")
        if not isinstance(body.get(key), str) or not body.get(key)
    ]
    if missing:
        raise validation_error(f"A property needs the fields {', '.join(missing)}")
    if body["type"] not in PROPERTY_TYPES:
        raise validation_error(
            f"type {body['type']!r} is not one of {', '.join(sorted(PROPERTY_TYPES))}"
        )
    return PropertyDef(
        name=body["name"],
        label=body["label"],
        type=body["type"],
        field_type=body["fieldType"],
        group_name=body["groupName"],
        description=str(body.get("description", "")),
        options=_options_from(body.get("options") or []),
        has_unique_value=bool(body.get("hasUniqueValue", False)),
        hubspot_defined=False,
        display_order=int(body.get("displayOrder", -1)),
    )


def _options_from(options: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": str(option.get("label", option.get("value", ""))),
            "value": str(option.get("value", "")),
            "displayOrder": int(option.get("displayOrder", index)),
            "hidden": bool(option.get("hidden", False)),
        }
        for index, option in enumerate(options)
        if isinstance(option, Mapping)
    ]


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
