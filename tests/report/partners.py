"""A few stored partners whose report figures the tests know exactly.

Three units work with six partners. One partner is shared by all three units, two by
two units; one has no unit. Three are strategic, two of them without a KAM. Staff
e-mails are stored, as a sync stores them, so that tests can check none leaks.
"""

from __future__ import annotations

from mappings.model import SourceRef
from sync.state import StateStore
from sync.state.partners import PartnerRow

CULTURE = "Kulttuuri ja media"
RDI = "TKI-palvelut"
TECH = "Tekniikka ja liiketoiminta"
KAM = "jari.salminen@amk.example"
STAFF = (
    "maija.meikalainen@amk.example",
    "matti.virtanen@amk.example",
    "liisa.korhonen@amk.example",
)

PARTNERS = (
    PartnerRow(
        partner_id="p-city",
        name="Tampereen kaupunki",
        business_id="0211675-2",
        category="customer",
        rule="public_bodies",
        flags=("strategic",),
        units=(CULTURE, RDI, TECH),
        staff=STAFF,
        staff_count=3,
        members=4,
        company_id="101",
        kam_email=KAM,
        member_refs=(SourceRef("hubspot", "101"), SourceRef("rdi_projects", "r1")),
    ),
    PartnerRow(
        partner_id="p-alma",
        name="Alma Media Oyj",
        business_id="1944757-4",
        category="informal_media",
        rule="media",
        secondary=("customer",),
        flags=("strategic",),
        units=(CULTURE, RDI),
        staff=STAFF[:2],
        staff_count=2,
        members=2,
        company_id="102",
    ),
    PartnerRow(
        partner_id="p-bf",
        name="Business Finland Oy",
        business_id="2725690-3",
        category="funder",
        rule="funders",
        units=(RDI,),
        staff=STAFF[:1],
        staff_count=1,
        members=1,
        company_id="103",
        kam_email=KAM,
    ),
    PartnerRow(
        partner_id="p-tuni",
        name="Tampereen yliopisto",
        business_id="2844561-8",
        category="education_research",
        rule="universities",
        units=(CULTURE, TECH),
        staff=STAFF[1:],
        staff_count=2,
        members=3,
    ),
    PartnerRow(
        partner_id="p-shop",
        name="Pikkukauppa Oy",
        business_id=None,
        category="customer",
        rule="companies",
        units=(TECH,),
        staff=STAFF[2:],
        staff_count=1,
        members=1,
    ),
    PartnerRow(
        partner_id="p-club",
        name="Yhdistys ry",
        business_id=None,
        category="unclassified",
        rule="no rule",
        flags=("strategic",),
        members=1,
        company_id="106",
    ),
)


def store_partners(store: StateStore) -> str:
    """Record a succeeded sync that stored ``PARTNERS``; return its run id."""
    run_id = store.start_run("sync")
    store.partners.replace(run_id, PARTNERS)
    store.finish_run(run_id, "succeeded", {"partners": len(PARTNERS)})
    return run_id
