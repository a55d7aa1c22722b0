"""Evidence for each link, and its one-line reading for people.

A model decision carries, per field, the values compared, the agreement level, the
similarity where there is one and the weight in bits it added; together with the
prior they sum to the pair's match weight, so the reason is complete ("name very
close +5.6, address exact +10.4, phone exact +8.2, prior −4.1 → 20.1 bits, p 1.000").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mappings.model import Organisation
from sync.model import Link
from sync.resolve.compare import FIELDS, LEVELS, NULL
from sync.resolve.weights import Weights

__all__ = [
    "RULE_BUSINESS_ID",
    "RULE_BUSINESS_ID_DIFFERS",
    "RULE_CLUSTER",
    "RULE_CONFLICT",
    "RULE_DECISION",
    "RULE_DECISION_CONFLICT",
    "RULE_MODEL",
    "Explainer",
    "format_link",
]

RULE_BUSINESS_ID = "business_id"
RULE_BUSINESS_ID_DIFFERS = "business_id_differs"
RULE_DECISION = "review_decision"
RULE_DECISION_CONFLICT = "decision_conflicts_business_id"
RULE_MODEL = "fellegi_sunter"
RULE_CLUSTER = "cluster_disagrees"
RULE_CONFLICT = "domain_conflicts_name"

_SHOWN: dict[str, str] = {
    "name": "name",
    "legal_form": "legal_form",
    "address": "address",
    "phone": "phone",
    "postcode": "postcode",
    "city": "municipality",
    "domain": "domain",
}


class Explainer:
    """Builds the per-field evidence of compared pairs under one set of weights."""

    def __init__(self, weights: Weights) -> None:
        self.prior = weights.prior_weight
        self.shown_prior = round(self.prior, 2)
        self.columns = [
            (
                field,
                _SHOWN[field],
                [
                    (
                        name,
                        weights.level_weight(field, level),
                        round(weights.level_weight(field, level), 2),
                    )
                    for level, name in enumerate(LEVELS[field])
                ],
            )
            for field in FIELDS
        ]

    def describe(
        self,
        left: Organisation,
        right: Organisation,
        levels: Sequence[int],
        *,
        forms: tuple[str | None, str | None],
        name_similarity: float,
        name_overlap: float,
    ) -> dict[str, Any]:
        """Return the per-field evidence of one compared pair.

        Args:
            left: the first record.
            right: the second record.
            levels: the pair's level per field of ``FIELDS``.
            forms: the legal forms of the two names, as compared.
            name_similarity: the text similarity of the normalised names.
            name_overlap: the weighted share of name words in common.

        Returns:
            ``prior`` and ``match_weight`` in bits, and ``fields``: per field both
            records hold, the values, the level and the weight.
        """
        fields: dict[str, Any] = {}
        total = self.prior
        for (field, attribute, entries), level in zip(
            self.columns, levels, strict=True
        ):
            if level == NULL:
                continue
            name, weight, shown_weight = entries[level]
            total += weight
            fields[field] = {
                "left": getattr(left, attribute),
                "right": getattr(right, attribute),
                "level": name,
                "weight": shown_weight,
            }
        if "legal_form" in fields:
            fields["legal_form"]["left"], fields["legal_form"]["right"] = forms
        fields["name"]["similarity"] = round(name_similarity, 3)
        fields["name"]["overlap"] = round(name_overlap, 3)
        return {
            "prior": self.shown_prior,
            "match_weight": round(total, 2),
            "fields": fields,
        }


def format_link(link: Link) -> str:
    """Return a link as one line: decision, score, rule and the fields that counted.

    Args:
        link: a link with evidence.

    Returns:
        The readable line.
    """
    head = f"{link.decision} {link.score:.3f} ({link.rule})"
    fields = link.evidence.get("fields")
    if not fields:
        details = ", ".join(f"{key} {value}" for key, value in link.evidence.items())
        return f"{head}: {details}" if details else head
    parts = [
        f"{field} {info['level']} {info['weight']:+.1f}"
        for field, info in fields.items()
    ]
    parts.append(f"prior {link.evidence['prior']:+.1f}")
    return f"{head}: {', '.join(parts)} = {link.evidence['match_weight']:.1f} bits"
