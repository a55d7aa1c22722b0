"""Writes the CRM refuses item by item: kept with their reason, counted, retried.

The realistic cause: an admin turns the free-text industry code property into a
dropdown of a few codes. sidos's fills of other codes are then refused per company
(a 207 answer), while the rest of each batch is written. Once the admin adds the
missing options, ``sidos retry`` sends the refused writes again.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.sandbox.routing import Reply
from connectors.hubspot.schema import PARTNER_ID
from sync.cli import app
from sync.retry import SUPERSEDED_REASON, retry_dead_letters
from sync.run import RunReport, execute
from sync.settings import Settings, load_settings
from sync.state import open_store
from tests.sync.conftest import (
    Call,
    CRMOutcome,
    Person,
    assert_same_crm,
    drop_after_applying,
    intercept,
    outcome_of,
    write_calls,
)

INDUSTRY = "toimialakoodi"
DROPDOWN = [{"label": "Ohjelmistojen suunnittelu", "value": "62010"}]
ATTEMPTS = 7  # a call and its six retries
runner = CliRunner()


@pytest.fixture
def settings(config: Path) -> Settings:
    """Return the settings the commands see."""
    return load_settings(config)


def turn_industry_into_dropdown(person: Person) -> None:
    """Make the industry code a dropdown that holds one code, as an admin might."""
    person.change_property(
        INDUSTRY, type="enumeration", fieldType="select", options=DROPDOWN
    )


def refused_codes(report: RunReport) -> set[str]:
    """Return the industry codes of the writes the CRM refused in a run."""
    assert report.applied is not None
    return {
        change.new
        for operation in report.plan.writes
        if operation.key in report.applied.failed
        for change in operation.changes
        if change.field == INDUSTRY
    }


def test_sync_refused_value_is_a_dead_letter_and_the_rest_is_written(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """Only the companies with a refused code fail; each keeps the CRM's reason."""
    turn_industry_into_dropdown(person)

    report = execute(settings, kind="sync")

    assert report.applied is not None
    failed = report.applied.failed
    assert failed
    refused = [op for op in report.plan.writes if op.key in failed]
    assert all(INDUSTRY in op.properties for op in refused)
    assert all(f'allowed options for "{INDUSTRY}"' in failed[op.key] for op in refused)
    assert len(report.applied.done) == len(report.plan.writes) - len(refused)
    letters = open_store(settings.state.url).ledger.dead_letters()
    assert {letter.key for letter in letters} == set(failed)
    for operation in refused:
        company = sandbox.store.get(operation.company_id or "")
        assert PARTNER_ID not in company.properties


def test_status_counts_the_dead_letters(
    config: Path, settings: Settings, person: Person
) -> None:
    """``sidos status --json`` shows how many refused writes wait for a retry."""
    turn_industry_into_dropdown(person)
    report = execute(settings, kind="sync")

    result = runner.invoke(app, ["status", "--json", "--config", str(config)])

    assert result.exit_code == 0, result.output
    assert report.applied is not None
    assert json.loads(result.output)["dead_letters"] == len(report.applied.failed)


def test_retry_after_the_cause_is_fixed_writes_the_dead_letters(
    sandbox: SandboxServer, config: Path, settings: Settings, person: Person
) -> None:
    """Once the codes are options, ``sidos retry`` writes them; a sync adds nothing."""
    turn_industry_into_dropdown(person)
    report = execute(settings, kind="sync")
    codes = refused_codes(report)
    options = DROPDOWN + [{"label": code, "value": code} for code in sorted(codes)]
    person.change_property(INDUSTRY, options=options)

    result = runner.invoke(app, ["retry", "--config", str(config)])
    writes_after_retry = write_calls(sandbox)
    again = execute(settings, kind="sync")

    assert result.exit_code == 0, result.output
    assert "0 refused again" in result.output
    assert open_store(settings.state.url).ledger.dead_letter_count() == 0
    assert report.applied is not None
    for operation in report.plan.writes:
        if operation.key in report.applied.failed:
            company = sandbox.store.get(operation.company_id or "")
            assert company.properties[INDUSTRY] == operation.properties[INDUSTRY]
    assert again.plan.operations == []
    assert write_calls(sandbox) == writes_after_retry


def test_sync_after_an_option_sidos_writes_was_removed_puts_it_back(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """An option of sidos's category property removed by hand is added back."""
    execute(settings, kind="sync")
    definition = sandbox.store.registry.get("sidos_category")
    kept = [option for option in definition.options if option["value"] != "funder"]
    person.change_property("sidos_category", options=kept)

    report = execute(settings, kind="sync")

    assert report.applied is not None and report.applied.failed == {}
    values = {option["value"] for option in definition.options}
    assert "funder" in values


def test_retry_keeps_a_fill_value_a_person_typed_since(
    sandbox: SandboxServer, config: Path, settings: Settings, person: Person
) -> None:
    """A code a person types into a refused company wins over the retried fill."""
    turn_industry_into_dropdown(person)
    report = execute(settings, kind="sync")
    assert report.applied is not None
    [refused, *_] = [op for op in report.plan.writes if op.key in report.applied.failed]
    options = DROPDOWN + [
        {"label": code, "value": code} for code in sorted(refused_codes(report))
    ]
    person.change_property(INDUSTRY, options=options)
    person.edit(refused.company_id or "", **{INDUSTRY: "62010"})

    runner.invoke(app, ["retry", "--config", str(config)])

    company = sandbox.store.get(refused.company_id or "")
    assert company.properties[INDUSTRY] == "62010"


def test_sync_batch_applied_but_never_answered_leaves_no_dead_letter(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """A write that landed though no attempt was answered is not left as refused."""
    impatient = impatient_settings(settings)
    never_answer_the_first_update(sandbox)

    execute(impatient, kind="sync")
    execute(impatient, kind="sync")

    assert open_store(settings.state.url).ledger.dead_letter_count() == 0


def test_sync_batch_applied_but_never_answered_ends_as_a_fault_free_run(
    sandbox: SandboxServer, settings: Settings, fault_free: CRMOutcome
) -> None:
    """The landed batch counts as sidos's writes: the next sync plans nothing more."""
    impatient = impatient_settings(settings)
    never_answer_the_first_update(sandbox)

    first = execute(impatient, kind="sync")
    again = execute(impatient, kind="sync")

    assert first.applied is not None and first.applied.failed
    assert again.plan.operations == []
    assert_same_crm(outcome_of(sandbox), fault_free)


def test_sync_still_refused_write_stays_a_dead_letter(
    settings: Settings, person: Person
) -> None:
    """A write the next sync plans again and sees refused again is kept, once."""
    turn_industry_into_dropdown(person)
    first = execute(settings, kind="sync")

    second = execute(settings, kind="sync")

    assert first.applied is not None and second.applied is not None
    letters = {
        letter.key: letter
        for letter in open_store(settings.state.url).ledger.dead_letters()
    }
    assert set(letters) == set(second.applied.failed)
    again = set(first.applied.failed) & set(second.applied.failed)
    assert again
    assert {letters[key].attempts for key in again} == {2}


def test_sync_refused_fill_a_person_typed_since_is_superseded(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """Once a person fills the refused code, the sync writes the rest of the company."""
    turn_industry_into_dropdown(person)
    first = execute(settings, kind="sync")
    assert first.applied is not None
    planned_again = {op.key for op in execute(settings, kind="plan").plan.operations}
    [refused, *_] = [
        op
        for op in first.plan.writes
        if op.key in first.applied.failed and op.key in planned_again
    ]
    person.edit(refused.company_id or "", **{INDUSTRY: "62010"})

    second = execute(settings, kind="sync")

    assert second.applied is not None
    ledger = open_store(settings.state.url).ledger
    assert {letter.key for letter in ledger.dead_letters()} == set(
        second.applied.failed
    )
    assert refused.key not in second.applied.failed
    audit = ledger.audit_of_partner(refused.partner_id)
    assert any(
        entry["operation_key"] == refused.key and entry["reason"] == SUPERSEDED_REASON
        for entry in audit
    )
    company = sandbox.store.get(refused.company_id or "")
    assert company.properties[INDUSTRY] == "62010"
    assert company.properties[PARTNER_ID] == refused.partner_id


def test_retry_resolves_a_letter_left_with_no_change_as_no_longer_needed(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A letter whose every field the policies now keep is resolved, not sent."""
    turn_industry_into_dropdown(person)
    execute(settings, kind="sync")
    store = open_store(settings.state.url)
    letters = store.ledger.dead_letters()
    kept = {
        change["field"]: "never"
        for letter in letters
        for change in letter.changes["changes"]
    }
    writes = write_calls(sandbox)

    result = retry_dead_letters(
        store, HubSpotConnector(settings.crm), store.start_run("retry"), letters, kept
    )

    assert letters
    assert sorted(result.unneeded) == sorted(letter.key for letter in letters)
    assert result.done == {} and result.failed == {}
    assert store.ledger.dead_letter_count() == 0
    assert write_calls(sandbox) == writes


def impatient_settings(settings: Settings) -> Settings:
    """Return ``settings`` with retries that give up within a fraction of a second."""
    crm = settings.crm.model_copy(update={"retry_max_wait_seconds": 0.05})
    return settings.model_copy(update={"crm": crm})


def never_answer_the_first_update(sandbox: SandboxServer) -> None:
    """Apply the first batch update, but drop the answer to it and to every retry."""
    attempts = itertools.count(1)

    def drop(call: Call) -> Reply:
        if call.endpoint == "companies.batch_update" and next(attempts) <= ATTEMPTS:
            return drop_after_applying(call)
        return call.serve()

    intercept(sandbox, drop)
