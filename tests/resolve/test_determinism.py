"""The same records in any order give the same partners, ids and links."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.model import Organisation
from sync.resolve import Resolution, resolve
from sync.settings import MatchingSettings
from tests.resolve.helpers import fixed_settings, make_org

RECORDS = [
    make_org("crm:1", "Valmet Oyj", business_id="0112038-9"),
    make_org("crm:2", "Valmet Technologies Oy", business_id="2769022-2"),
    make_org("rdi:1", "VALMET OYJ:N", business_id_raw="FI01120389"),
    make_org("rdi:2", "Valmet, Hämeenlinna"),
    make_org("rdi:3", "Pirkan Kone Oy", phone="03 123 4567", postcode="33100"),
    make_org("crm:3", "PIRKAN KONE", phone="+358 3 123 4567"),
    make_org("crm:4", "Pirkan Kone ja Sähkö Oy", postcode="33100"),
    make_org("hanke:1", "Hervannan Kukka ja Hauta"),
    make_org("hanke:2", "Hervannan Kukka Oy"),
    make_org("hanke:3", "Tampereen Ammattikorkeakoulu Oy", domain="www.tuni.fi"),
    make_org("crm:5", "TAMK", domain="liisa@tuni.fi"),
]


def summary(resolution: Resolution) -> tuple[object, ...]:
    """Return what must not depend on input order."""
    partners = sorted(
        (p.partner_id, tuple(str(m.ref) for m in p.members), p.golden.name)
        for p in resolution.partners
    )
    links = [
        (str(link.left), str(link.right), link.decision, link.rule, link.score)
        for link in resolution.links + resolution.reviews
    ]
    return tuple(partners), tuple(links)


EXPECTED = summary(resolve(RECORDS, settings=fixed_settings()))


@settings(max_examples=25, deadline=None)
@given(st.permutations(RECORDS))
def test_resolve_shuffled_input_gives_identical_result(
    records: list[Organisation],
) -> None:
    """Shuffling the records changes nothing in the resolution."""

    resolution = resolve(records, settings=fixed_settings())

    assert summary(resolution) == EXPECTED


@settings(max_examples=10, deadline=None)
@given(st.permutations(RECORDS))
def test_resolve_shuffled_input_with_learned_weights_is_identical(
    records: list[Organisation],
) -> None:
    """Learned weights, too, do not depend on the input order."""
    expected = summary(resolve(RECORDS, settings=MatchingSettings()))

    resolution = resolve(records, settings=MatchingSettings())

    assert summary(resolution) == expected
