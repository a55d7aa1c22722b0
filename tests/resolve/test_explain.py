"""Every link carries its evidence, and reads as one line."""

from __future__ import annotations

from sync.resolve import resolve
from sync.resolve.explain import format_link
from tests.resolve.helpers import fixed_settings, make_org


def test_resolve_model_link_evidence_sums_to_its_weight() -> None:
    """The per-field weights and the prior add up to the match weight."""
    records = [
        make_org("crm:1", "Pirkan Kone Oy", phone="03 123 4567", postcode="33100"),
        make_org("rdi:2", "PIRKAN KONE", phone="+358 3 123 4567", postcode="33100"),
    ]

    [link] = resolve(records, settings=fixed_settings()).links

    fields = link.evidence["fields"]
    total = link.evidence["prior"] + sum(info["weight"] for info in fields.values())
    assert abs(total - link.evidence["match_weight"]) < 0.05
    assert fields["phone"]["level"] == "exact"
    assert fields["name"]["left"] == "Pirkan Kone Oy"


def test_format_link_lists_fields_that_counted() -> None:
    """The one-line reading names the rule, the fields and the total."""
    records = [
        make_org("crm:1", "Pirkan Kone Oy", phone="03 123 4567"),
        make_org("rdi:2", "PIRKAN KONE", phone="031234567"),
    ]
    [link] = resolve(records, settings=fixed_settings()).links

    line = format_link(link)

    assert line.startswith("match ")
    assert "(fellegi_sunter)" in line
    assert "phone exact" in line and "bits" in line
    assert "address" not in line
