"""One run of sidos: pull, resolve, classify, plan, and (unless planning) apply.

``execute`` is what ``sidos sync``, ``sidos plan``, ``sidos resync``, the demo and the
scheduled service all call. It records the run, binds its id to every log event and
leaves the state store consistent whether it succeeds, fails or is interrupted.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import structlog

from connectors.base import CRM, Owner, Source
from connectors.hubspot import HubSpotConnector
from connectors.projects import CSVExportSource
from mappings.classify import RuleSet, load_ruleset
from sync.apply import ApplyResult, RunStopped, apply_plan, check_stop
from sync.desired import (
    CRMCompany,
    PartnerState,
    choose_primary,
    companies_by_partner,
    default_policies,
)
from sync.kam import (
    STRATEGIC_FLAG,
    KamConfig,
    KamFacts,
    KamReport,
    assign_kams,
    load_kam_config,
)
from sync.pipeline import (
    PullReport,
    Resolved,
    classify_all,
    map_records,
    pull_source,
    resolve_partners,
)
from sync.plan import Plan, PlanPolicy, build_plan
from sync.recover import recover_unfinished
from sync.resolve.matching import MERGE
from sync.retry import confirm_landed, resolve_superseded
from sync.settings import Settings
from sync.state import StateStore, open_store
from sync.state.partners import PartnerRow

log = structlog.get_logger()


@dataclass
class RunReport:
    """What a run did, for the command line, the status view and metrics."""

    run_id: str
    kind: str
    pulls: list[PullReport] = field(default_factory=list)
    resolved: Resolved | None = None
    plan: Plan = field(default_factory=Plan)
    applied: ApplyResult | None = None
    kam: KamReport = field(default_factory=KamReport)
    api_calls: dict[str, int] = field(default_factory=dict)

    def stats(self) -> dict[str, Any]:
        """Return the run's figures as plain data."""
        resolved = self.resolved
        partners = resolved.partners if resolved else []
        return {
            "pulled": {p.source: p.changes.new + p.changes.changed for p in self.pulls},
            "records": len(resolved.organisations) if resolved else 0,
            "set_aside": len(resolved.set_aside) if resolved else 0,
            "partners": len(partners),
            "duplicates": sum(1 for p in partners if len(p.records) > 1),
            "reviews": len(resolved.resolution.reviews) if resolved else 0,
            "operations": self.plan.counts(),
            "writes": self.applied.writes if self.applied else 0,
            "failed": len(self.applied.failed) if self.applied else 0,
            "kam_assigned": len(self.kam.assignments),
            "api_calls": dict(self.api_calls),
        }


def build_sources(settings: Settings) -> list[Source]:
    """Return the configured project-system sources."""
    return [
        CSVExportSource(source, settings.resolve(source.path))
        for source in settings.sources
    ]


def execute(
    settings: Settings,
    *,
    kind: str = "sync",
    full: bool = False,
    only_source: str | None = None,
    crm: CRM | None = None,
    sources: Sequence[Source] | None = None,
    store: StateStore | None = None,
    stop: threading.Event | None = None,
) -> RunReport:
    """Run one sync, plan or resync and record it.

    Args:
        settings: validated settings.
        kind: ``sync`` applies the plan, ``plan`` only computes it, ``resync``
            re-reads sources from scratch, then applies.
        full: read every record instead of the changes since the cursor.
        only_source: with ``resync``, re-read just this source.
        crm: the CRM connector; built from settings when not given.
        sources: the project sources; built from settings when not given.
        store: the state store; opened from ``settings.state.url`` when not given.
        stop: set it to end the run after the batch in flight (graceful shutdown).

    Raises:
        ConfigError: settings or rules are invalid.
        APIError: the CRM failed in a way retries could not mend.
    """
    store = store or open_store(settings.state.url)
    crm = crm or HubSpotConnector(settings.crm)
    sources = list(sources if sources is not None else build_sources(settings))
    ruleset = load_ruleset(
        settings.resolve(settings.mappings.rules),
        settings.resolve(settings.mappings.overrides),
    )
    kam_config = load_kam_config(settings.resolve(settings.mappings.kam))
    run_id = store.start_run(kind)
    report = RunReport(run_id=run_id, kind=kind)
    bound = structlog.contextvars.get_contextvars()
    structlog.contextvars.bind_contextvars(run_id=run_id, job=bound.get("job", kind))
    try:
        _run(
            settings,
            report,
            crm,
            sources,
            store,
            (ruleset, kam_config),
            full=full,
            only_source=only_source,
            stop=stop,
        )
    except BaseException as exc:
        stopped = isinstance(exc, KeyboardInterrupt | RunStopped)
        status = "interrupted" if stopped else "failed"
        store.finish_run(run_id, status, report.stats(), error=type(exc).__name__)
        log.error("sync.run_failed", kind=kind, status=status, error=type(exc).__name__)
        raise
    finally:
        report.api_calls = _api_calls(crm)
        structlog.contextvars.unbind_contextvars("run_id")
        if "job" not in bound:
            structlog.contextvars.unbind_contextvars("job")

    store.finish_run(run_id, "succeeded", report.stats())
    log.info("sync.run_finished", kind=kind, **_summary(report))
    return report


def _run(
    settings: Settings,
    report: RunReport,
    crm: CRM,
    sources: Sequence[Source],
    store: StateStore,
    rules: tuple[RuleSet, KamConfig],
    *,
    full: bool,
    only_source: str | None,
    stop: threading.Event | None,
) -> None:
    applying = report.kind != "plan"
    if applying:
        crm.ensure_schema()
        recover_unfinished(store, crm, report.run_id)
    owners = crm.pull_owners()
    for source in [crm, *sources]:
        check_stop(stop)
        refresh = full or (
            report.kind == "resync" and only_source in (None, source.name)
        )
        report.pulls.append(pull_source(store, source, report.run_id, full=refresh))

    check_stop(stop)
    if applying:
        confirm_landed(store, crm.name, report.run_id)
    organisations, set_aside = map_records(store, settings, owners)
    resolution = resolve_partners(store, settings, organisations)
    ruleset, kam_config = rules
    classifications = classify_all(resolution.partners, ruleset)
    report.resolved = Resolved(organisations, resolution, classifications, set_aside)
    report.kam = assign_kams(
        kam_facts(report.resolved), kam_config, owners_by_email(owners)
    )
    states = partner_states(report.resolved, store, settings, report.kam)
    approved = approved_merges(store, settings.crm.name)
    report.plan = build_plan(states, plan_policy(settings, approved))
    log.info("sync.plan_built", **report.plan.counts())
    if not applying:
        return

    check_stop(stop)
    resolve_superseded(store, report.plan, report.run_id)
    report.applied = apply_plan(
        report.plan,
        crm,
        store,
        report.run_id,
        batch_size=settings.sync.batch_size,
        stop=stop,
    )
    _save_partners(store, report, states, settings.crm.fields)


def plan_policy(
    settings: Settings, approved: frozenset[frozenset[str]] = frozenset()
) -> PlanPolicy:
    """Return the plan's policy: field policies from config over the defaults.

    Args:
        settings: the run's settings.
        approved: pairs of CRM company ids whose merge a person approved.
    """
    policies = {**default_policies(settings.crm.fields), **settings.crm.policies}
    return PlanPolicy(
        fields=settings.crm.fields,
        policies=policies,
        merge_policy=settings.sync.merge_policy,
        merge_threshold=settings.sync.merge_threshold,
        approved_merges=approved,
    )


def approved_merges(store: StateStore, crm_name: str) -> frozenset[frozenset[str]]:
    """Return the pairs of CRM company ids people approved merging (``merge``)."""
    return frozenset(
        frozenset((decision.left.id, decision.right.id))
        for decision in store.load_decisions()
        if decision.verdict == MERGE
        and decision.left.source == crm_name == decision.right.source
    )


def partner_states(
    resolved: Resolved, store: StateStore, settings: Settings, kam: KamReport
) -> list[PartnerState]:
    """Join partners, classifications and the CRM snapshot for the planner."""
    crm_name = settings.crm.name
    snapshot = [
        CRMCompany(record.ref.id, record.fields)
        for record in store.records(crm_name)
        if not record.archived
    ]
    partner_of = {
        member.ref.id: partner.partner_id
        for partner in resolved.partners
        for member in partner.members
        if member.ref.source == crm_name
    }
    grouped = companies_by_partner(snapshot, partner_of)
    states = []
    for partner in resolved.partners:
        classification = resolved.classifications[partner.partner_id]
        scores = [link.score for link in partner.links if link.decision == "match"]
        assignment = kam.assignments.get(partner.partner_id)
        states.append(
            PartnerState(
                partner_id=partner.partner_id,
                golden=partner.golden,
                category=classification.primary,
                secondary=classification.secondary,
                strategic=partner.partner_id in kam.strategic,
                units=tuple(sorted(partner.units)),
                staff_count=len(partner.staff),
                companies=tuple(grouped.get(partner.partner_id, ())),
                confidence=min(scores, default=1.0),
                kam_owner_id=assignment.owner_id if assignment else None,
            )
        )
    return states


def _save_partners(
    store: StateStore,
    report: RunReport,
    states: Sequence[PartnerState],
    fields: Mapping[str, str],
) -> None:
    assert report.resolved is not None
    resolved = report.resolved
    primaries = _primary_ids(report, states, fields)
    rows = [
        PartnerRow(
            partner_id=partner.partner_id,
            name=partner.golden.name,
            business_id=partner.golden.business_id,
            category=resolved.classifications[partner.partner_id].primary,
            rule=resolved.classifications[partner.partner_id].rule,
            secondary=resolved.classifications[partner.partner_id].secondary,
            flags=_flags(report, partner.partner_id),
            units=tuple(sorted(partner.units)),
            staff=tuple(sorted(partner.staff)),
            staff_count=len(partner.staff),
            members=len(partner.members),
            company_id=primaries.get(partner.partner_id),
            kam_email=_kam_email(report.kam, partner.partner_id),
            member_refs=tuple(sorted(member.ref for member in partner.members)),
        )
        for partner in resolved.partners
    ]
    store.partners.replace(report.run_id, rows)
    store.save_links(
        report.run_id, [*resolved.resolution.links, *resolved.resolution.reviews]
    )
    store.replace_set_aside(report.run_id, resolved.set_aside)


def _flags(report: RunReport, partner_id: str) -> tuple[str, ...]:
    # A partner kam.yaml lists as strategic is strategic whatever the rules say.
    assert report.resolved is not None
    flags = set(report.resolved.classifications[partner_id].flags)
    if partner_id in report.kam.strategic:
        flags.add(STRATEGIC_FLAG)
    return tuple(sorted(flags))


def _primary_ids(
    report: RunReport, states: Sequence[PartnerState], fields: Mapping[str, str]
) -> dict[str, str]:
    primaries = {
        state.partner_id: choose_primary(state, fields).id
        for state in states
        if state.companies
    }
    if report.applied:
        for operation in report.plan.writes:
            company_id = report.applied.done.get(operation.key)
            if operation.kind == "create" and company_id:
                primaries[operation.partner_id] = company_id
    return primaries


def kam_facts(resolved: Resolved) -> list[KamFacts]:
    """Return what the KAM rules look at, for every partner."""
    facts = []
    for partner in resolved.partners:
        classification = resolved.classifications[partner.partner_id]
        facts.append(
            KamFacts(
                partner_id=partner.partner_id,
                name=partner.golden.name,
                business_id=partner.golden.business_id,
                category=classification.primary,
                secondary=classification.secondary,
                units=tuple(sorted(partner.units)),
                industry_code=partner.golden.industry_code,
                flags=classification.flags,
            )
        )
    return facts


def owners_by_email(owners: Sequence[Owner]) -> dict[str, str]:
    """Return active owners' ids by lower-case e-mail, leaving deactivated users out."""
    return {owner.email.lower(): owner.id for owner in owners if not owner.archived}


def _kam_email(kam: KamReport, partner_id: str) -> str | None:
    assignment = kam.assignments.get(partner_id)
    return assignment.email if assignment else None


def _api_calls(crm: CRM) -> dict[str, int]:
    stats = getattr(crm, "stats", None)
    if stats is None:
        return {}
    return dict(stats.as_dict()) if hasattr(stats, "as_dict") else {}


def _summary(report: RunReport) -> dict[str, Any]:
    stats = report.stats()
    return {key: stats[key] for key in ("records", "partners", "writes", "failed")}
