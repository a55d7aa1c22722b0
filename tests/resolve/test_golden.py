"""Golden records: per-field survivorship and unions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mappings.model import Activity, SourceRef
from sync.resolve.golden import build_golden
from tests.resolve.helpers import fixed_settings, make_org

OLD = datetime(2024, 1, 1, tzinfo=UTC)
NEW = datetime(2025, 6, 1, tzinfo=UTC)


def test_build_golden_record_with_business_id_wins() -> None:
    """The record carrying the valid business id gives the name."""
    members = [
        make_org("rdi:1", "Valmet", updated_at=NEW),
        make_org("crm:2", "Valmet Oyj", business_id="0112038-9", updated_at=OLD),
    ]

    golden = build_golden("p-1", members, fixed_settings())

    assert (golden.name, golden.business_id) == ("Valmet Oyj", "0112038-9")


def test_build_golden_source_priority_comes_next() -> None:
    """Without business ids, the first listed source wins over recency."""
    members = [
        make_org("rdi:1", "Pirkan Kone", updated_at=NEW),
        make_org("crm:2", "Pirkan Kone Oy", updated_at=OLD),
    ]
    settings = fixed_settings(source_priority=["crm", "rdi"])

    golden = build_golden("p-1", members, settings)

    assert golden.name == "Pirkan Kone Oy"


def test_build_golden_field_priority_overrides_source_priority() -> None:
    """A field's own source order beats the general one."""
    members = [
        make_org("rdi:1", "Pirkan Kone", phone="040 1", updated_at=OLD),
        make_org("crm:2", "Pirkan Kone Oy", phone="040 2", updated_at=OLD),
    ]
    settings = fixed_settings(
        source_priority=["crm", "rdi"], field_priority={"phone": ["rdi"]}
    )

    golden = build_golden("p-1", members, settings)

    assert (golden.name, golden.phone) == ("Pirkan Kone Oy", "040 1")


def test_build_golden_most_recent_then_most_complete() -> None:
    """Recency decides among equals; an empty value never wins."""
    members = [
        make_org("a:1", "Old Name", domain="kone.fi", updated_at=OLD),
        make_org("a:2", "New Name", updated_at=NEW),
    ]

    golden = build_golden("p-1", members, fixed_settings())

    assert (golden.name, golden.domain) == ("New Name", "kone.fi")


def test_build_golden_unions_roles_units_staff_and_activities() -> None:
    """The golden record holds every member's roles, units, staff and activities."""
    project = Activity("project", "P1", "Hanke")
    members = [
        make_org(
            "a:1",
            "Kone",
            roles={"funder"},
            units={"ICT"},
            staff={"x@u.fi"},
            activities=(project,),
        ),
        make_org(
            "b:2",
            "Kone",
            roles={"partner"},
            units={"Bio"},
            staff={"y@u.fi"},
            activities=(project,),
        ),
    ]

    golden = build_golden("p-1", members, fixed_settings())

    assert golden.ref == SourceRef("sidos", "p-1")
    assert golden.roles == {"funder", "partner"}
    assert golden.units == {"ICT", "Bio"}
    assert golden.staff == {"x@u.fi", "y@u.fi"}
    assert golden.activities == (project,)


def test_build_golden_single_member_gets_a_valid_business_id() -> None:
    """A lone record's raw id is validated into the golden record."""
    members = [make_org("a:1", "Kone", business_id_raw="FI01120389")]

    golden = build_golden("p-1", members, fixed_settings())

    assert golden.business_id == "0112038-9"


def test_build_golden_without_members_is_refused() -> None:
    """A partner needs at least one member."""

    with pytest.raises(ValueError, match="has no members"):
        build_golden("p-1", [], fixed_settings())
