"""Companies sidos created: attached to their partner, never its duplicates."""

from __future__ import annotations

from mappings.model import Organisation, SourceRef
from sync.desired import PARTNER_ID
from sync.projections import attach_projections, split_projections
from sync.resolve import Resolution, resolve
from tests.resolve.helpers import fixed_settings, make_org

RECORDS = [
    make_org("rdi_projects:1", "Orage Oy", business_id="2345678-7"),
    make_org("rdi_projects:2", "orage oy"),
]


def _resolved() -> Resolution:
    return resolve(RECORDS, settings=fixed_settings())


def _created(company_id: str, partner_id: str, name: str) -> Organisation:
    return make_org(f"hubspot:{company_id}", name, extra={PARTNER_ID: partner_id})


def test_attach_projections_created_company_is_no_duplicate() -> None:
    """The created company joins its partner's members but not its records."""
    resolution = _resolved()
    [partner] = resolution.partners
    golden = partner.golden
    company = _created("900", partner.partner_id, "orage oy")

    attach_projections(resolution, [company], {}, {"900": partner.partner_id})

    assert company in partner.members
    assert partner.created == {SourceRef("hubspot", "900")}
    assert partner.records == [m for m in partner.members if m is not company]
    assert len(partner.records) == len(RECORDS)
    assert partner.golden is golden
    assert resolution.partner_of[company.ref] == partner.partner_id


def test_attach_projections_company_of_a_vanished_partner_stands_alone() -> None:
    """Without its partner or a successor, the company is a partner of its own."""
    resolution = _resolved()
    company = _created("901", "p-gone", "Vanished Oy")

    attach_projections(resolution, [company], {}, {"901": "p-gone"})

    alone = next(p for p in resolution.partners if p.partner_id == "p-gone")
    assert alone.golden.ref == SourceRef("sidos", "p-gone")
    assert alone.golden.name == "Vanished Oy"
    assert alone.records == []


def test_split_projections_only_companies_sidos_created_of_the_crm() -> None:
    """A created id of another source is a record to match like any other."""
    company = _created("900", "p-1", "Orage Oy")
    other = make_org("rdi_projects:900", "Orage Oy")

    records, projections = split_projections(
        [company, other, *RECORDS], {"900": "p-1"}, "hubspot"
    )

    assert projections == [company]
    assert records == [other, *RECORDS]
