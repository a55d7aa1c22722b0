"""Human edits win where the field policies say so: `fill`, `own` and `never`."""

from __future__ import annotations

from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.schema import CATEGORY, PARTNER_ID, STRATEGIC
from sync.run import RunReport, execute
from sync.settings import Settings
from sync.state import open_store
from tests.sync.conftest import Person, crm_state, with_policies, write_calls

ALMA_MEDIA = "1944757-4"  # listed in config/kam.yaml as strategic, with no KAM

UNUSED_BUSINESS_ID = "2999990-3"


def customer_company(report: RunReport) -> tuple[str, str]:
    """Return a customer partner known from one CRM company only, and that company."""
    assert report.resolved is not None
    for partner in report.resolved.partners:
        [member, *others] = partner.members
        category = report.resolved.classifications[partner.partner_id].primary
        if not others and member.ref.source == "hubspot" and category == "customer":
            return partner.partner_id, member.ref.id
    raise AssertionError("the demo account has no single-company customer")


def test_sync_person_edits_a_fill_field_and_the_edit_stays(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A business id typed by a person survives the next sync under `fill`."""
    first = execute(settings, kind="sync")
    _, company_id = customer_company(first)
    person.edit(company_id, y_tunnus=UNUSED_BUSINESS_ID)

    second = execute(settings, kind="sync")

    assert second.plan.operations == []
    company = sandbox.store.get(company_id)
    assert company.properties["y_tunnus"] == UNUSED_BUSINESS_ID


def test_sync_person_edits_an_own_field_and_sidos_restores_it(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A category changed by hand is set back, in one update of that one field."""
    first = execute(settings, kind="sync")
    partner_id, company_id = customer_company(first)
    person.edit(company_id, y_tunnus=UNUSED_BUSINESS_ID, **{CATEGORY: "funder"})

    second = execute(settings, kind="sync")

    [operation] = second.plan.operations
    assert (operation.partner_id, operation.company_id) == (partner_id, company_id)
    assert [(c.field, c.old, c.new) for c in operation.changes] == [
        (CATEGORY, "funder", "customer")
    ]
    company = sandbox.store.get(company_id)
    assert company.properties[CATEGORY] == "customer"
    assert company.properties["y_tunnus"] == UNUSED_BUSINESS_ID


def test_sync_never_policy_leaves_edited_fields_alone(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """Under `never`, a sync writes nothing, whatever a person changed."""
    first = execute(settings, kind="sync")
    _, company_id = customer_company(first)
    person.edit(company_id, y_tunnus="", **{CATEGORY: "funder"})
    writes_before = write_calls(sandbox)
    hands_off = with_policies(settings, y_tunnus="never", **{CATEGORY: "never"})

    second = execute(hands_off, kind="sync")

    assert second.plan.operations == []
    assert write_calls(sandbox) == writes_before
    company = sandbox.store.get(company_id)
    assert company.properties[CATEGORY] == "funder"
    assert "y_tunnus" not in company.properties


def test_sync_partner_id_moved_by_hand_goes_back_without_a_conflict(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A partner id a person moved onto another company is freed, then put back."""
    first = execute(settings, kind="sync")
    partner_id, company_id = customer_company(first)
    other_partner, other_id = customer_company_other_than(first, partner_id)
    person.edit(company_id, **{PARTNER_ID: ""})
    person.edit(other_id, **{PARTNER_ID: partner_id})

    second = execute(settings, kind="sync")
    third = execute(settings, kind="sync")

    assert second.applied is not None and second.applied.failed == {}
    assert sandbox.store.get(company_id).properties[PARTNER_ID] == partner_id
    assert sandbox.store.get(other_id).properties[PARTNER_ID] == other_partner
    assert third.plan.operations == []


def customer_company_other_than(report: RunReport, partner_id: str) -> tuple[str, str]:
    """Return another single-company customer partner than ``partner_id``."""
    assert report.resolved is not None
    for partner in report.resolved.partners:
        [member, *others] = partner.members
        category = report.resolved.classifications[partner.partner_id].primary
        if (
            not others
            and member.ref.source == "hubspot"
            and category == "customer"
            and partner.partner_id != partner_id
        ):
            return partner.partner_id, member.ref.id
    raise AssertionError("the demo account has only one single-company customer")


def test_sync_marks_a_partner_kam_yaml_lists_as_strategic(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """A partner strategic only by kam.yaml is written and stored as strategic."""
    report = execute(settings, kind="sync")

    assert report.resolved is not None
    [partner_id] = [
        partner.partner_id
        for partner in report.resolved.partners
        if partner.golden.business_id == ALMA_MEDIA
    ]
    flags = report.resolved.classifications[partner_id].flags
    [row] = open_store(settings.state.url).partners.find(partner_id)
    assert "strategic" not in flags
    assert partner_id in report.kam.strategic
    assert "strategic" in row.flags
    assert crm_state(sandbox)[partner_id][STRATEGIC] == "true"
