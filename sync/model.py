"""Partners: the golden records that resolution builds from organisations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mappings.model import Organisation, SourceRef


@dataclass(frozen=True, slots=True)
class Link:
    """Why two records were judged the same organisation, related, or unsure.

    ``decision`` is ``match``, ``related`` (different legal entities of one group),
    ``review`` (waiting for a person) or ``non_match``.
    """

    left: SourceRef
    right: SourceRef
    decision: str
    score: float
    rule: str
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Partner:
    """One real organisation: its id, its member records and its golden record.

    ``created`` holds the refs of the members that are CRM companies sidos created
    for the partner: its own representation in the CRM, not evidence of it. They
    count as none of its duplicates and take no part in its golden record.
    """

    partner_id: str
    members: list[Organisation]
    golden: Organisation
    links: list[Link] = field(default_factory=list)
    created: set[SourceRef] = field(default_factory=set)

    @property
    def records(self) -> list[Organisation]:
        """Return the members that are evidence: all but the companies sidos created."""
        return [member for member in self.members if member.ref not in self.created]

    @property
    def units(self) -> frozenset[str]:
        """Return the units that work with this partner, across all members."""
        return frozenset().union(*(member.units for member in self.members))

    @property
    def staff(self) -> frozenset[str]:
        """Return the staff who recorded or worked with this partner."""
        return frozenset().union(*(member.staff for member in self.members))

    @property
    def roles(self) -> frozenset[str]:
        """Return every role seen in the members' records."""
        return frozenset().union(*(member.roles for member in self.members))


@dataclass(frozen=True, slots=True)
class ReviewDecision:
    """A person's verdict on a pair of records, honoured on every later run.

    ``same`` is a must-link, ``different`` a cannot-link, and ``merge`` a must-link
    of two CRM companies that also approves merging them in the CRM.
    """

    left: SourceRef
    right: SourceRef
    verdict: str
    decided_by: str = ""
