"""Write companies in batches: update by id, or upsert by sidos's partner id.

Both are idempotent, so both are retried. Each input carries its
``CompanyWrite.key`` as ``objectWriteTraceId``, which ties 207 per-item errors
and results back to it. A batch refused as a whole for the fault of one input is
split in halves until the bad inputs stand alone, so the good ones are still written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import structlog

from connectors.base import BatchResult, CompanyWrite
from connectors.errors import APIError, FatalAPIError, RetriableAPIError
from connectors.http import JSONClient
from connectors.hubspot.companies import BATCH_LIMIT, COMPANIES_PATH
from connectors.hubspot.models import BatchReply, Company, parse
from connectors.hubspot.schema import PARTNER_ID
from connectors.redaction import shorten_message

log = structlog.get_logger(__name__)

# Statuses that blame the request's content, so that a smaller batch may pass.
_ITEM_FAULTS = frozenset({400, 404, 409, 422})


@dataclass(frozen=True, slots=True)
class WriteMode:
    """One way of writing: its endpoint, input shape and how results name inputs."""

    kind: str
    path: str
    identity: Callable[[CompanyWrite], str]
    result_identity: Callable[[Company], str | None]
    to_input: Callable[[CompanyWrite], dict[str, Any]]


def _update_input(write: CompanyWrite) -> dict[str, Any]:
    return {
        "id": write.company_id,
        "properties": dict(write.properties),
        "objectWriteTraceId": write.key,
    }


def _upsert_input(write: CompanyWrite) -> dict[str, Any]:
    return {
        "id": write.partner_id,
        "idProperty": PARTNER_ID,
        "properties": {**write.properties, PARTNER_ID: write.partner_id},
        "objectWriteTraceId": write.key,
    }


UPDATE = WriteMode(
    kind="batch_update",
    path=f"{COMPANIES_PATH}/batch/update",
    identity=lambda write: write.company_id or "",
    result_identity=lambda company: company.id,
    to_input=_update_input,
)
UPSERT = WriteMode(
    kind="batch_upsert",
    path=f"{COMPANIES_PATH}/batch/upsert",
    identity=lambda write: write.partner_id or "",
    result_identity=lambda company: company.properties.get(PARTNER_ID),
    to_input=_upsert_input,
)


def write_companies(
    api: JSONClient, writes: Sequence[CompanyWrite], *, batch_size: int = BATCH_LIMIT
) -> BatchResult:
    """Write companies: by id where known, otherwise upserted by partner id.

    Args:
        api: the client of the HubSpot account.
        writes: the companies to write, each with a unique key.
        batch_size: inputs per call, at most HubSpot's 100.

    Returns:
        Per key: the company id written, whether it was created, or why it failed.

    Raises:
        FatalAPIError: the account refused the writes as a whole (401, 403).
    """
    result = BatchResult()
    for write in writes:
        if not write.company_id and not write.partner_id:
            result.failed[write.key] = "INVALID_INPUT: neither a company nor partner id"

    for mode, selected in _by_mode(writes):
        for batch in chunk_unique(
            selected, mode.identity, min(batch_size, BATCH_LIMIT)
        ):
            write_isolating(api, mode, batch, result)
    return result


def _by_mode(
    writes: Sequence[CompanyWrite],
) -> list[tuple[WriteMode, list[CompanyWrite]]]:
    updates = [write for write in writes if write.company_id]
    upserts = [write for write in writes if not write.company_id and write.partner_id]
    return [(UPDATE, updates), (UPSERT, upserts)]


def chunk_unique(
    writes: Sequence[CompanyWrite],
    identity: Callable[[CompanyWrite], str],
    size: int,
) -> Iterator[list[CompanyWrite]]:
    """Cut writes into batches of ``size`` in which no record appears twice.

    Args:
        writes: the writes, in order.
        identity: what names the record a write targets.
        size: the largest batch.

    Yields:
        Batches in the order of ``writes``; a repeated record starts a new batch.
    """
    batch: list[CompanyWrite] = []
    seen: set[str] = set()
    for write in writes:
        if len(batch) >= size or identity(write) in seen:
            yield batch
            batch, seen = [], set()
        batch.append(write)
        seen.add(identity(write))
    if batch:
        yield batch


def write_isolating(
    api: JSONClient, mode: WriteMode, batch: list[CompanyWrite], result: BatchResult
) -> None:
    """Write one batch; when it is refused as a whole, isolate the bad inputs.

    Args:
        api: the client of the HubSpot account.
        mode: update or upsert.
        batch: the writes, at most 100.
        result: where outcomes are recorded, by key.

    Raises:
        FatalAPIError: the refusal was not about the inputs (401, 403, …).
    """
    try:
        outcome = send_batch(api, mode, batch)
    except FatalAPIError as exc:
        if exc.status not in _ITEM_FAULTS:
            raise
        _isolate(api, mode, batch, result, exc)
        return
    except RetriableAPIError as exc:
        _fail_all(batch, result, exc)
        return

    result.written.update(outcome.written)
    result.created.update(outcome.created)
    result.failed.update(outcome.failed)


def send_batch(
    api: JSONClient, mode: WriteMode, batch: list[CompanyWrite]
) -> BatchResult:
    """Send one batch and map its results and 207 errors back to keys.

    Args:
        api: the client of the HubSpot account.
        mode: update or upsert.
        batch: the writes, at most 100, each record once.

    Returns:
        The outcome of each write of the batch.

    Raises:
        FatalAPIError: the batch was refused as a whole.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    started = time.perf_counter()
    body = {"inputs": [mode.to_input(write) for write in batch]}
    reply = api.post(mode.path, body, kind=mode.kind)

    outcome = collect_outcome(
        mode, batch, parse(BatchReply, reply.body, endpoint=mode.path)
    )
    log.info(
        "hubspot.batch_written",
        kind=mode.kind,
        items=len(batch),
        written=len(outcome.written),
        created=len(outcome.created),
        failed=len(outcome.failed),
        duration_ms=round((time.perf_counter() - started) * 1000, 1),
    )
    return outcome


def collect_outcome(
    mode: WriteMode, batch: list[CompanyWrite], reply: BatchReply
) -> BatchResult:
    """Tie a batch reply's results and errors to the writes' keys.

    Args:
        mode: update or upsert.
        batch: the writes sent.
        reply: HubSpot's answer.

    Returns:
        The outcome by key; a write HubSpot said nothing about counts as failed.
    """
    by_key = {write.key: write for write in batch}
    by_identity = {mode.identity(write): write for write in batch}
    outcome = BatchResult()

    for company in reply.results:
        write = by_key.get(company.object_write_trace_id or "") or by_identity.get(
            mode.result_identity(company) or ""
        )
        if write is not None:
            outcome.written[write.key] = company.id
            if company.new:
                outcome.created.add(write.key)

    for error in reply.errors:
        keys = [key for key in error.trace_ids() if key in by_key]
        keys = keys or [by_identity[i].key for i in error.ids() if i in by_identity]
        for key in keys:
            outcome.failed[key] = error.reason()

    for key in by_key.keys() - outcome.written.keys() - outcome.failed.keys():
        outcome.failed[key] = "NO_RESULT: HubSpot answered nothing for this input"
    return outcome


def _isolate(
    api: JSONClient,
    mode: WriteMode,
    batch: list[CompanyWrite],
    result: BatchResult,
    error: FatalAPIError,
) -> None:
    if len(batch) == 1:
        result.failed[batch[0].key] = _reason(error)
        return

    log.warning(
        "hubspot.batch_isolating",
        kind=mode.kind,
        items=len(batch),
        status=error.status,
        category=error.category,
    )
    middle = len(batch) // 2
    write_isolating(api, mode, batch[:middle], result)
    write_isolating(api, mode, batch[middle:], result)


def _fail_all(batch: list[CompanyWrite], result: BatchResult, error: APIError) -> None:
    for write in batch:
        result.failed[write.key] = _reason(error)


def _reason(error: APIError) -> str:
    category = error.category or (
        "RETRIABLE" if isinstance(error, RetriableAPIError) else "ERROR"
    )
    return f"{category}: {shorten_message(str(error))}"
