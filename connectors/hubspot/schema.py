"""The company properties sidos writes, and the property group that holds them.

``sidos_partner_id`` has unique values: it is the key that makes a batch upsert of a
partner idempotent, so that repeating a create never makes a second company.
Multi-valued properties hold their values joined by ``;``, as HubSpot's checkbox
properties do.
"""

from __future__ import annotations

from connectors.hubspot.models import PropertyDefinition, PropertyOption
from mappings.categories import CATEGORIES

GROUP_NAME = "sidos"
GROUP_LABEL = "sidos partners"

PARTNER_ID = "sidos_partner_id"
CATEGORY = "sidos_category"
SECONDARY_CATEGORIES = "sidos_secondary_categories"
UNITS = "sidos_units"
COLLABORATORS = "sidos_collaborators"
DUPLICATE_OF = "sidos_duplicate_of"
STRATEGIC = "sidos_strategic"

OWN_PROPERTIES: tuple[str, ...] = (
    PARTNER_ID,
    CATEGORY,
    SECONDARY_CATEGORIES,
    UNITS,
    COLLABORATORS,
    DUPLICATE_OF,
    STRATEGIC,
)

VALUE_SEPARATOR = ";"


def category_options() -> list[PropertyOption]:
    """Return one option per Karvi category, labelled in Finnish and English.

    Returns:
        The options, in the order of ``CATEGORIES``.
    """
    return [
        PropertyOption(label=f"{item.fi} / {item.en}", value=item.id, display_order=i)
        for i, item in enumerate(CATEGORIES)
    ]


def property_definitions() -> list[PropertyDefinition]:
    """Return the definitions of every property sidos writes.

    Returns:
        One definition per name in ``OWN_PROPERTIES``, in that order.
    """
    return [
        _define(PARTNER_ID, "sidos partner id", "string", "text", unique=True),
        _define(
            CATEGORY,
            "Karvi category",
            "enumeration",
            "select",
            options=category_options(),
        ),
        _define(
            SECONDARY_CATEGORIES,
            "Karvi secondary categories",
            "enumeration",
            "checkbox",
            options=category_options(),
        ),
        _define(UNITS, "Units working with the partner", "string", "text"),
        _define(COLLABORATORS, "Number of collaborating staff", "number", "number"),
        _define(DUPLICATE_OF, "Duplicate of partner id", "string", "text"),
        _define(
            STRATEGIC, "Strategic partner", "bool", "booleancheckbox", options=_YES_NO
        ),
    ]


def needs_new_options(existing: PropertyDefinition, wanted: PropertyDefinition) -> bool:
    """Tell whether an existing enumeration lacks options sidos now writes.

    Args:
        existing: the property as HubSpot holds it.
        wanted: sidos's definition of it.

    Returns:
        True when ``wanted`` has an option value that ``existing`` has not.
    """
    if wanted.type != "enumeration":
        return False
    return not wanted.option_values() <= existing.option_values()


def group_body() -> dict[str, object]:
    """Return the JSON that creates sidos's property group.

    Returns:
        The group's name, label and display order.
    """
    return {"name": GROUP_NAME, "label": GROUP_LABEL, "displayOrder": -1}


_YES_NO = [
    PropertyOption(label="Yes", value="true", display_order=0),
    PropertyOption(label="No", value="false", display_order=1),
]


def _define(
    name: str,
    label: str,
    kind: str,
    field_type: str,
    *,
    options: list[PropertyOption] | None = None,
    unique: bool = False,
) -> PropertyDefinition:
    return PropertyDefinition(
        name=name,
        label=label,
        type=kind,
        field_type=field_type,
        group_name=GROUP_NAME,
        description="Written by sidos; edits here are overwritten on the next sync.",
        options=options or [],
        has_unique_value=unique,
    )
