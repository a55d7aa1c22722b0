"""Resolution: organisations in, partners with stable ids, links and reviews out."""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import structlog

from mappings.model import Organisation, SourceRef
from mappings.written import WrittenName, read_names
from sync.model import Link, Partner, ReviewDecision
from sync.parallel import ProcessMap, available_cores
from sync.resolve.features import format_business_ids
from sync.resolve.golden import build_golden
from sync.resolve.identity import assign_partner_ids, cluster_anchor
from sync.resolve.links import LinkRows, collect_links
from sync.resolve.matching import match_records, paused_gc
from sync.resolve.weights import Weights
from sync.settings import MatchingSettings

__all__ = ["Resolution", "resolve"]

Int = npt.NDArray[np.int64]
log = structlog.get_logger(__name__)


@dataclass(slots=True)
class Resolution:
    """The partners of one run, every match and related link, and pending reviews.

    ``weights`` are the Fellegi–Sunter weights the run used, for explanations.
    """

    partners: list[Partner]
    links: list[Link]
    reviews: list[Link]
    weights: Weights | None = None
    partner_of: dict[SourceRef, str] = field(default_factory=dict)


def resolve(
    organisations: Sequence[Organisation],
    *,
    settings: MatchingSettings,
    previous: Mapping[SourceRef, str] | None = None,
    decisions: Sequence[ReviewDecision] = (),
) -> Resolution:
    """Resolve records into partners.

    The result depends only on the records, the settings, the previous ids and the
    decisions, never on the order the records come in.

    Args:
        organisations: every record to resolve, each ref once.
        settings: thresholds, window and survivorship orders.
        previous: the partner id each ref held on the previous run.
        decisions: people's verdicts on pairs: ``same`` joins, ``different`` parts.

    Returns:
        The partners with members, golden records and links; all match and related
        links; and the pairs waiting for review.

    Raises:
        ValueError: when a ref occurs twice, or a decision's verdict is unknown.
    """
    with paused_gc():
        return _resolve(organisations, settings, previous or {}, decisions)


def _resolve(
    organisations: Sequence[Organisation],
    settings: MatchingSettings,
    previous: Mapping[SourceRef, str],
    decisions: Sequence[ReviewDecision],
) -> Resolution:
    records = sorted(organisations, key=_ref_key)
    _check_unique(records)
    processes = settings.processes or available_cores()
    started = time.perf_counter()
    matching = match_records(records, settings=settings, decisions=decisions)
    log.info(
        "resolve.matched",
        records=len(records),
        candidates=len(matching.pairs.left),
        seconds=_since(started),
    )
    ids = format_business_ids(matching.features.business_id)
    groups, group_of = _groups(matching.labels)
    to_read = _names_to_read(groups, records, settings)
    with ProcessMap(read_names, to_read, processes=processes) as reading:
        links, reviews = collect_links(matching, records, ids, settings)
        weights = matching.weights
        # The pairs and columns of matching take more memory than anything built
        # after them; they go before the golden records are built.
        del matching
        log.info("resolve.linked", links=len(links.links), seconds=_since(started))
        partner_ids = _partner_ids(groups, records, ids, previous)
        readings = dict(zip(to_read, reading.result(), strict=True))
    partners = [
        _partner(partner_id, rows, records, ids, settings, readings)
        for partner_id, rows in zip(partner_ids, groups, strict=True)
    ]
    del groups, ids, readings  # not needed past here, and as large as partner_of
    partner_of = {m.ref: p.partner_id for p in partners for m in p.members}
    _attach_links(partners, links, group_of)
    log.info("resolve.done", partners=len(partners), seconds=_since(started))
    return Resolution(partners, links.links, reviews.links, weights, partner_of)


def _ref_key(record: Organisation) -> tuple[str, str]:
    return (record.ref.source, record.ref.id)


def _check_unique(records: Sequence[Organisation]) -> None:
    keys = list(map(_ref_key, records))
    for position, (before, after) in enumerate(itertools.pairwise(keys)):
        if before == after:
            raise ValueError(
                f"record {records[position].ref} occurs more than once; pass each "
                "record once, merged by its source"
            )


def _groups(labels: npt.NDArray[np.int64]) -> tuple[list[list[int]], Int]:
    """Return each group's rows, ascending, and each row's group number."""
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    starts = np.r_[True, ordered[1:] != ordered[:-1]]
    group_of = np.empty(len(labels), dtype=np.int64)
    group_of[order] = np.cumsum(starts) - 1
    bounds = np.flatnonzero(np.r_[starts, True]).tolist()
    rows = order.tolist()
    return [rows[start:end] for start, end in itertools.pairwise(bounds)], group_of


def _partner_ids(
    groups: list[list[int]],
    records: Sequence[Organisation],
    ids: list[str | None],
    previous: Mapping[SourceRef, str],
) -> list[str]:
    refs = [[records[row].ref for row in rows] for rows in groups]
    # Rows are numbered in ref order, so a group's first ref is its smallest.
    anchors = [
        cluster_anchor(
            group_refs[:1], next((ids[row] for row in rows if ids[row]), None)
        )
        for group_refs, rows in zip(refs, groups, strict=True)
    ]
    return assign_partner_ids(refs, anchors, previous)


def _partner(
    partner_id: str,
    rows: list[int],
    records: Sequence[Organisation],
    ids: list[str | None],
    settings: MatchingSettings,
    readings: Mapping[str, WrittenName],
) -> Partner:
    members = [records[row] for row in rows]
    golden = build_golden(
        partner_id,
        members,
        settings,
        business_ids=[ids[row] for row in rows],
        readings=readings,
    )
    return Partner(partner_id, members, golden)


def _names_to_read(
    groups: list[list[int]], records: Sequence[Organisation], settings: MatchingSettings
) -> list[str]:
    """Return the names that golden names are chosen among: of groups that differ."""
    if settings.golden_name != "quality":
        return []
    names: dict[str, None] = {}
    for rows in groups:
        if len(rows) > 1:
            written = {
                name for row in rows if (name := records[row].name) and name.strip()
            }
            if len(written) > 1:
                names.update(dict.fromkeys(written))
    return list(names)


def _since(started: float) -> float:
    return round(time.perf_counter() - started, 2)


def _attach_links(partners: list[Partner], links: LinkRows, group_of: Int) -> None:
    """Give each partner the links that touch it, in the order of ``links``."""
    owner_left, owner_right = group_of[links.left], group_of[links.right]
    index = np.arange(len(links.links))
    across = owner_left != owner_right
    owner = np.concatenate([owner_left, owner_right[across]])
    which = np.concatenate([index, index[across]])
    order = np.lexsort((which, owner))
    bounds = np.searchsorted(owner[order], np.arange(len(partners) + 1)).tolist()
    touching = [links.links[number] for number in which[order].tolist()]
    for number, partner in enumerate(partners):
        partner.links = touching[bounds[number] : bounds[number + 1]]
