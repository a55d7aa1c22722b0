"""The planner: what it writes, what it leaves alone, and what it asks people about."""

from __future__ import annotations

from mappings.model import Organisation, SourceRef
from sync.desired import CRMCompany, PartnerState, default_policies
from sync.plan import PlanPolicy, build_plan

FIELDS = {"name": "name", "business_id": "y_tunnus", "domain": "domain"}


def _partner(*companies: CRMCompany, confidence: float = 1.0) -> PartnerState:
    golden = Organisation(
        ref=SourceRef("sidos", "p-1"),
        name="Tampereen Sähkölaitos Oy",
        business_id="0211034-2",
        domain="sahkolaitos.fi",
    )
    return PartnerState(
        partner_id="p-1",
        golden=golden,
        category="customer",
        secondary=("funder",),
        strategic=False,
        units=("Tekniikka",),
        staff_count=2,
        companies=companies,
        confidence=confidence,
    )


def _policy(**changes: object) -> PlanPolicy:
    values: dict[str, object] = {
        "fields": FIELDS,
        "policies": default_policies(FIELDS),
        "merge_policy": "review",
        "merge_threshold": 0.95,
    }
    values.update(changes)
    return PlanPolicy(**values)  # type: ignore[arg-type]


def _synced(company_id: str = "101", **extra: str) -> CRMCompany:
    properties = {
        "name": "Tampereen Sähkölaitos Oy",
        "y_tunnus": "0211034-2",
        "domain": "sahkolaitos.fi",
        "sidos_partner_id": "p-1",
        "sidos_category": "customer",
        "sidos_secondary_categories": "funder",
        "sidos_units": "Tekniikka",
        "sidos_collaborators": "2",
        "sidos_duplicate_of": "",
        "sidos_strategic": "false",
    }
    return CRMCompany(company_id, {**properties, **extra})


def test_build_plan_partner_without_company_creates_it_with_golden_values() -> None:
    """A partner only seen in project data becomes one create with its fields."""
    partner = _partner()

    plan = build_plan([partner], _policy())

    assert [op.kind for op in plan.operations] == ["create"]
    written = plan.operations[0].properties
    assert written["sidos_partner_id"] == "p-1"
    assert written["y_tunnus"] == "0211034-2"
    assert written["sidos_category"] == "customer"


def test_build_plan_company_in_desired_state_plans_nothing() -> None:
    """A company that already holds every desired value needs no operation."""
    partner = _partner(_synced())

    plan = build_plan([partner], _policy())

    assert plan.operations == []


def test_build_plan_fill_field_edited_by_a_person_is_kept() -> None:
    """A business id typed by a person is never overwritten under `fill`."""
    partner = _partner(_synced(y_tunnus="0211034-2 (tarkista)"))

    plan = build_plan([partner], _policy())

    assert plan.operations == []


def test_build_plan_empty_fill_field_is_filled_with_old_and_new_value() -> None:
    """An empty business id is filled, and the change shows old and new values."""
    partner = _partner(_synced(y_tunnus=""))

    plan = build_plan([partner], _policy())

    [operation] = plan.operations
    assert operation.kind == "update"
    assert [(c.field, c.old, c.new) for c in operation.changes] == [
        ("y_tunnus", "", "0211034-2")
    ]


def test_build_plan_own_field_changed_by_a_person_is_restored() -> None:
    """sidos's own category property is set back to the derived category."""
    partner = _partner(_synced(sidos_category="funder"))

    plan = build_plan([partner], _policy())

    [operation] = plan.operations
    assert operation.changes[0].field == "sidos_category"
    assert operation.changes[0].new == "customer"


def test_build_plan_never_policy_leaves_the_field_alone() -> None:
    """A property under `never` is not written even when it differs."""
    policies = {**default_policies(FIELDS), "sidos_category": "never"}
    partner = _partner(_synced(sidos_category="funder"))

    plan = build_plan([partner], _policy(policies=policies))

    assert plan.operations == []


def test_build_plan_duplicate_companies_under_review_policy_propose_a_merge() -> None:
    """Two companies of one partner give a merge proposal, not a merge."""
    duplicate = CRMCompany("102", {"name": "SÄHKÖLAITOS", "createdate": "2025"})
    partner = _partner(_synced(), duplicate)

    plan = build_plan([partner], _policy())

    assert plan.merges == []
    [proposal] = plan.proposals
    assert (proposal.company_id, proposal.merged_id) == ("101", "102")
    marks = [op for op in plan.writes if op.company_id == "102"]
    assert marks[0].properties == {"sidos_duplicate_of": "p-1"}


def test_build_plan_auto_merge_needs_confidence_above_threshold() -> None:
    """Under `auto`, a merge runs only when the evidence passes the threshold."""
    duplicate = CRMCompany("102", {"name": "Sähkölaitos"})
    sure = _partner(_synced(), duplicate, confidence=0.99)
    unsure = _partner(_synced(), duplicate, confidence=0.90)

    sure_plan = build_plan([sure], _policy(merge_policy="auto"))
    unsure_plan = build_plan([unsure], _policy(merge_policy="auto"))

    assert len(sure_plan.merges) == 1
    assert unsure_plan.merges == [] and len(unsure_plan.proposals) == 1


def test_build_plan_stale_partner_id_is_freed_before_reuse() -> None:
    """A company holding another partner's id is cleared in an earlier phase."""
    stale = CRMCompany("103", {"name": "Vanha", "sidos_partner_id": "p-9"})
    partner = _partner(_synced(), stale)

    plan = build_plan([partner], _policy(merge_policy="off"))

    release = [op for op in plan.writes if op.phase == 0]
    assert [(op.company_id, op.properties) for op in release] == [
        ("103", {"sidos_partner_id": ""})
    ]
    assert plan.writes[0].phase == 0


def test_operation_key_same_change_same_key() -> None:
    """Planning the same change twice gives the same idempotency key."""
    first = build_plan([_partner()], _policy()).operations[0]
    second = build_plan([_partner()], _policy()).operations[0]

    assert first.key == second.key
