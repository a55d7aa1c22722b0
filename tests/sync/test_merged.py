"""What companies merged away in the CRM still count for: matched, attached, or not."""

from __future__ import annotations

from mappings.model import Organisation, SourceRecord, SourceRef
from sync.merged import MergedAway, sort_merged, taken_over_owners
from sync.model import Partner
from sync.resolve import Resolution
from sync.state.merged import MergedRecord

CRM = "hubspot"
PROPERTIES = ("name", "hubspot_owner_id")


def company(
    company_id: str, name: str, owner: str = "", units: tuple[str, ...] = ()
) -> Organisation:
    """Return a mapped CRM company; ``extra`` holds its properties as mapped."""
    extra = {"name": name, **({"hubspot_owner_id": owner} if owner else {})}
    return Organisation(
        ref=SourceRef(CRM, company_id),
        name=name,
        owner_id=owner or None,
        units=frozenset(units),
        extra=extra,
    )


def merged(
    company_id: str, name: str, survivor: str, *, by_sidos: bool, owner: str = ""
) -> MergedRecord:
    """Return a company merged into ``survivor``, as the state store keeps it."""
    fields = {"name": name, "hubspot_owner_id": owner}
    return MergedRecord(
        SourceRecord(SourceRef(CRM, company_id), fields), survivor, by_sidos
    )


def test_company_sidos_merged_into_an_unedited_one_is_matched_in_its_place() -> None:
    """The merged company stands for its originals; they are matched, it is not."""
    records = [
        merged("1", "Valmet Oyj", "9", by_sidos=True),
        merged("2", "Valmet Technologies Oy", "9", by_sidos=True),
    ]
    organisations = [
        company("9", "Valmet Technologies Oy"),
        company("1", "Valmet Oyj"),
        company("2", "Valmet Technologies Oy"),
    ]

    sorted_ = sort_merged(
        organisations, records, properties=PROPERTIES, final={"1": "9", "2": "9"}
    )

    assert [o.ref.id for o in sorted_.matched] == ["1", "2"]
    assert [(o.ref.id, refs) for o, refs in sorted_.survivors] == [
        ("9", [SourceRef(CRM, "1"), SourceRef(CRM, "2")])
    ]
    assert sorted_.contributions == []


def test_merged_company_a_person_edited_is_matched_beside_its_originals() -> None:
    """A value none of the originals held is a person's edit: it is evidence too."""
    records = [
        merged("1", "Valmet Oyj", "9", by_sidos=True),
        merged("2", "Valmet Technologies Oy", "9", by_sidos=True),
    ]
    organisations = [
        company("9", "Valmet Technologies Oy", owner="77"),
        company("1", "Valmet Oyj"),
        company("2", "Valmet Technologies Oy"),
    ]

    sorted_ = sort_merged(organisations, records, properties=PROPERTIES, final={})

    assert sorted(o.ref.id for o in sorted_.matched) == ["1", "2", "9"]
    assert sorted_.survivors == []


def test_company_a_person_merged_away_is_attached_to_where_it_ended_up() -> None:
    """A person's merge speaks for its originals: they only contribute."""
    records = [merged("1", "Acme", "9", by_sidos=False)]
    organisations = [company("12", "Acme Oy"), company("1", "Acme")]

    sorted_ = sort_merged(
        organisations, records, properties=PROPERTIES, final={"1": "12"}
    )

    assert [o.ref.id for o in sorted_.matched] == ["12"]
    assert [(o.ref.id, ref.id) for o, ref in sorted_.contributions] == [("1", "12")]


def test_attach_gives_survivors_and_contributions_their_partners() -> None:
    """A survivor joins the partner of its originals as its own company."""
    original = company("1", "Acme", units=("Tekniikka",))
    other = company("5", "Acme Oy")
    partner = Partner("p-1", [original, other], original)
    resolution = Resolution(
        [partner], [], [], partner_of={original.ref: "p-1", other.ref: "p-1"}
    )
    survivor = company("9", "Acme")
    contribution = company("3", "Acme Ab", units=("Kulttuuri",))
    merged_away = MergedAway(
        [original, other],
        survivors=[(survivor, [original.ref])],
        contributions=[(contribution, other.ref)],
    )

    merged_away.attach(resolution)

    assert [m.ref.id for m in partner.members] == ["1", "5", "9", "3"]
    assert partner.created == {survivor.ref}
    assert partner.units == {"Tekniikka", "Kulttuuri"}
    assert resolution.partner_of[contribution.ref] == "p-1"


def test_taken_over_owners_are_the_owners_of_the_companies_merged_in() -> None:
    """Each merged company may have taken over any of its originals' owners."""
    records = [
        merged("1", "A", "9", by_sidos=True, owner="41"),
        merged("2", "A", "9", by_sidos=True, owner="42"),
        merged("3", "B", "8", by_sidos=False),
    ]

    owners = taken_over_owners(records, "hubspot_owner_id")

    assert owners == {"9": frozenset({"41", "42"})}
