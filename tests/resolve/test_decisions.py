"""What decides a match: business ids, domains, names, and people's verdicts."""

from __future__ import annotations

import pytest

from mappings.model import SourceRef
from sync.model import ReviewDecision
from sync.resolve import Resolution, resolve
from tests.resolve.helpers import fixed_settings, make_org


def partner_sets(resolution: Resolution) -> set[frozenset[str]]:
    """Return each partner's member refs as a set of strings."""
    return {
        frozenset(str(member.ref) for member in partner.members)
        for partner in resolution.partners
    }


def test_resolve_equal_business_id_matches_whatever_the_names() -> None:
    """An equal valid business id decides a match, by the business-id rule."""
    records = [
        make_org("crm:1", "Valmet Oyj", business_id="0112038-9"),
        make_org("rdi:7", "VALMET AUTOMOTIVE", business_id_raw="FI01120389"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert partner_sets(resolution) == {frozenset({"crm:1", "rdi:7"})}
    assert [link.rule for link in resolution.links] == ["business_id"]


def test_resolve_different_valid_business_ids_are_never_merged() -> None:
    """Identical names, phones and domains cannot join two valid business ids."""
    shared = {"phone": "03 123 4567", "domain": "antso.fi", "postcode": "33100"}
    records = [
        make_org("prh:1", "Antso Oy", business_id="0112038-9", **shared),
        make_org("prh:2", "Antso Oy", business_id="2769022-2", **shared),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    assert resolution.reviews == []


def test_resolve_group_companies_are_linked_as_related() -> None:
    """Two legal entities of one group are linked ``related``, not merged."""
    records = [
        make_org("crm:1", "Valmet Oyj", business_id="0112038-9"),
        make_org("crm:2", "Valmet Technologies Oy", business_id="2769022-2"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    assert [(link.decision, link.rule) for link in resolution.links] == [
        ("related", "business_id_differs")
    ]


def test_resolve_names_merely_alike_are_not_related() -> None:
    """Housing companies of one street are alike in text but of no group."""
    records = [
        make_org("crm:1", "Asunto Oy Tampereen Aava", business_id="0112038-9"),
        make_org("crm:2", "Asunto Oy Tampereen Abies", business_id="2769022-2"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    assert resolution.links == []


def test_resolve_equal_domain_with_similar_name_matches() -> None:
    """A shared company domain and a like name make one partner."""
    records = [
        make_org("crm:1", "Kemira Oyj", domain="https://www.kemira.com/"),
        make_org("rdi:2", "KEMIRA CHEMICALS", domain="tiina@kemira.com"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert partner_sets(resolution) == {frozenset({"crm:1", "rdi:2"})}
    assert resolution.links[0].evidence["fields"]["domain"]["level"] == "exact"


def test_resolve_shared_mail_provider_is_no_evidence() -> None:
    """Two gmail addresses do not make unrelated organisations one."""
    records = [
        make_org("crm:1", "Hervannan Kukka", domain="a@gmail.com"),
        make_org("crm:2", "Lielahden Kone", domain="b@gmail.com"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    assert resolution.links == [] and resolution.reviews == []


def test_resolve_place_in_a_name_is_not_the_municipality() -> None:
    """A place in a name ("Luonnonvarakeskus, Tampere") is not its municipality."""
    records = [
        make_org("crm:1", "Luonnonvarakeskus", municipality="Helsinki"),
        make_org("rdi:2", "Luonnonvarakeskus, Tampere"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert partner_sets(resolution) == {frozenset({"crm:1", "rdi:2"})}


def test_resolve_city_in_english_matches_the_finnish_council() -> None:
    """A project row's "City of Tampere" is the CRM's "Tampereen kaupunki"."""
    records = [
        make_org("crm:1", "Tampereen kaupunki", business_id="0211675-2"),
        make_org("rdi:2", "City of Tampere"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert partner_sets(resolution) == {frozenset({"crm:1", "rdi:2"})}


def test_resolve_uncertain_pair_goes_to_review_unmerged() -> None:
    """A pair between the review and match thresholds waits for a person."""
    records = [
        make_org("crm:1", "Hervannan Kukkakauppa"),
        make_org("rdi:2", "Hervannan Kukkakauppiaat"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    [review] = resolution.reviews
    assert (review.decision, review.rule) == ("review", "fellegi_sunter")
    assert 0.70 <= review.score < 0.88


def test_resolve_name_extended_by_a_distinctive_word_is_not_reviewed() -> None:
    """A name that adds a rarer word to the whole of another names another body."""
    records = [
        make_org("crm:1", "Business Finland Oy"),
        make_org("rdi:2", "Innovaatiorahoituskeskus Business Finland"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    assert resolution.reviews == []


def test_resolve_same_verdict_merges_the_uncertain_pair() -> None:
    """A person's ``same`` is a must-link, honoured on the next run."""
    records = [
        make_org("crm:1", "Hervannan Kukka ja Hauta"),
        make_org("rdi:2", "Hervannan Kukka Oy"),
    ]
    decision = ReviewDecision(SourceRef("rdi", "2"), SourceRef("crm", "1"), "same")

    resolution = resolve(records, settings=fixed_settings(), decisions=[decision])

    assert len(resolution.partners) == 1
    assert resolution.reviews == []
    assert [link.rule for link in resolution.links] == ["review_decision"]


def test_resolve_different_verdict_keeps_a_strong_pair_apart() -> None:
    """A person's ``different`` is a cannot-link, even against strong evidence."""
    records = [
        make_org("crm:1", "Pirkan Kone Oy", phone="03 123 4567"),
        make_org("rdi:2", "Pirkan Kone Oy", phone="03 123 4567"),
    ]
    decision = ReviewDecision(SourceRef("crm", "1"), SourceRef("rdi", "2"), "different")

    resolution = resolve(records, settings=fixed_settings(), decisions=[decision])

    assert len(resolution.partners) == 2
    assert resolution.reviews == []


def test_resolve_cannot_link_also_parts_their_clusters() -> None:
    """Records joined to the two parted records do not bridge them."""
    records = [
        make_org("crm:1", "Pirkan Kone Oy", phone="03 123 4567"),
        make_org("crm:2", "Pirkan Kone Oy", phone="03 123 4567"),
        make_org("rdi:3", "Pirkan Kone Oy", phone="03 123 4567"),
    ]
    decision = ReviewDecision(SourceRef("crm", "1"), SourceRef("rdi", "3"), "different")

    resolution = resolve(records, settings=fixed_settings(), decisions=[decision])

    assert all(
        not {"crm:1", "rdi:3"} <= members for members in partner_sets(resolution)
    )


def test_resolve_same_verdict_never_overrules_business_ids() -> None:
    """A ``same`` on records with different valid ids stays a review."""
    records = [
        make_org("crm:1", "Valmet Oyj", business_id="0112038-9"),
        make_org("crm:2", "Valmet Technologies Oy", business_id="2769022-2"),
    ]
    decision = ReviewDecision(SourceRef("crm", "1"), SourceRef("crm", "2"), "same")

    resolution = resolve(records, settings=fixed_settings(), decisions=[decision])

    assert len(resolution.partners) == 2
    assert [link.rule for link in resolution.reviews] == [
        "decision_conflicts_business_id"
    ]


def test_resolve_duplicate_ref_is_refused() -> None:
    """A record passed twice is an error that says what to do."""
    records = [make_org("crm:1", "Yritys Oy"), make_org("crm:1", "Yritys Oy")]

    with pytest.raises(ValueError, match="pass each record once"):
        resolve(records, settings=fixed_settings())


def test_resolve_shared_domain_with_different_names_goes_to_review() -> None:
    """A company domain shared by unlike names is a conflict for a person."""
    records = [
        make_org("crm:1", "Tampereen Ammattikorkeakoulu Oy", domain="www.tuni.fi"),
        make_org("rdi:2", "Lielahden Kone", domain="liisa@tuni.fi"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    [review] = resolution.reviews
    assert review.evidence["fields"]["domain"]["level"] == "exact"


def test_resolve_one_typo_in_a_long_name_matches() -> None:
    """A single mistyped letter does not keep two records apart."""
    records = [
        make_org("crm:1", "Kattomestarit Rakennusliike Oy"),
        make_org("rdi:2", "KATOMESTARIT RAKENNUSLIIKE"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 1


def test_resolve_housing_companies_with_other_numbers_stay_apart() -> None:
    """Housing companies at Ilkantie 9 and Ilkantie 8 are different companies."""
    records = [
        make_org("crm:1", "As Oy Ilkantie 9"),
        make_org("rdi:2", "Asunto Oy Ilkantie 8"),
    ]

    resolution = resolve(records, settings=fixed_settings())

    assert len(resolution.partners) == 2
    assert resolution.reviews == []
