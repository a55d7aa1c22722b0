"""Stable partner ids across runs as members come and go."""

from __future__ import annotations

from mappings.model import SourceRef
from sync.resolve import resolve
from sync.resolve.identity import assign_partner_ids, cluster_anchor, derive_partner_id
from tests.resolve.helpers import fixed_settings, make_org


def refs(*texts: str) -> list[SourceRef]:
    """Return refs from ``source:id`` texts."""
    return [SourceRef.parse(text) for text in texts]


def test_assign_partner_ids_added_member_keeps_the_id() -> None:
    """A partner that gains a record keeps the id its old members held."""
    previous = {SourceRef.parse("crm:1"): "p-old"}
    cluster = refs("crm:1", "rdi:9")

    ids = assign_partner_ids([cluster], [cluster_anchor(cluster, None)], previous)

    assert ids == ["p-old"]


def test_assign_partner_ids_removed_member_keeps_the_id() -> None:
    """A partner that loses a record keeps its id."""
    previous = {ref: "p-old" for ref in refs("crm:1", "rdi:2", "rdi:3")}
    cluster = refs("crm:1", "rdi:3")

    ids = assign_partner_ids([cluster], [cluster_anchor(cluster, None)], previous)

    assert ids == ["p-old"]


def test_assign_partner_ids_split_gives_the_id_to_the_larger_part() -> None:
    """When a partner splits, the part with most old members keeps the id."""
    previous = {ref: "p-old" for ref in refs("a:1", "a:2", "a:3")}
    small, large = refs("a:1"), refs("a:2", "a:3")
    anchors = [cluster_anchor(small, None), cluster_anchor(large, None)]

    ids = assign_partner_ids([small, large], anchors, previous)

    assert ids[1] == "p-old"
    assert ids[0] == derive_partner_id("ref:a:1")


def test_assign_partner_ids_new_cluster_id_derives_from_business_id() -> None:
    """A new partner with a business id is named after it."""
    cluster = refs("crm:5")

    ids = assign_partner_ids([cluster], [cluster_anchor(cluster, "0112038-9")], {})

    assert ids == [derive_partner_id("fi:0112038-9")]
    assert ids[0].startswith("p-") and len(ids[0]) == 14


def test_assign_partner_ids_retired_id_is_never_reused() -> None:
    """A derived id already held on the previous run goes to nobody new."""
    taken = derive_partner_id("ref:a:1")
    previous = {SourceRef.parse("b:1"): taken}
    newcomer, holder = refs("a:1"), refs("b:1")
    anchors = [cluster_anchor(newcomer, None), cluster_anchor(holder, None)]

    ids = assign_partner_ids([newcomer, holder], anchors, previous)

    assert ids == [derive_partner_id("ref:a:1", 1), taken]


def test_resolve_ids_stable_when_a_duplicate_arrives() -> None:
    """Adding a duplicate record on a later run keeps the partner's id."""
    settings = fixed_settings()
    first = [make_org("crm:1", "Pirkan Kone Oy", phone="03 123 4567")]
    before = resolve(first, settings=settings)
    later = [*first, make_org("rdi:2", "PIRKAN KONE OY", phone="031234567")]

    after = resolve(later, settings=settings, previous=before.partner_of)

    assert len(after.partners) == 1
    assert after.partners[0].partner_id == before.partners[0].partner_id


def test_resolve_ids_stable_when_a_member_leaves() -> None:
    """Removing the record that anchored the id keeps the partner's id."""
    settings = fixed_settings()
    records = [
        make_org("crm:1", "Pirkan Kone Oy", phone="03 123 4567"),
        make_org("rdi:2", "PIRKAN KONE OY", phone="031234567"),
    ]
    before = resolve(records, settings=settings)

    after = resolve(records[1:], settings=settings, previous=before.partner_of)

    assert after.partners[0].partner_id == before.partners[0].partner_id
