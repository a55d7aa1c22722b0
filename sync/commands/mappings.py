"""``sidos mappings``: check, test and explain the Karvi classification rules.

The files come from the settings (``mappings:`` in config/sidos.yaml, relative to that
file) unless named on the command line. A file named explicitly is used alone: its
overrides are read only when ``--overrides`` names them too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from connectors.hubspot import HubSpotConnector
from mappings.cases import run_cases
from mappings.explain import Language, explain_organisation
from mappings.fields import map_crm_company
from mappings.model import Organisation, Role, SourceRef
from mappings.ruleset import RuleSet, check_files, load_ruleset
from sync.commands import mappings_output as output
from sync.commands.common import ConfigOption, JsonOption, admin_errors
from sync.commands.mappings_output import refuse
from sync.settings import Settings, config_path, load_settings

EXIT_PROBLEMS = 1

app = typer.Typer(
    help=(
        "Check, test and explain the rules that give partners their Karvi categories "
        "(config/mappings.yaml) and the overrides that pin them "
        "(config/overrides.yaml). Before a change goes live: check, then test, "
        "then explain a few organisations. See docs/mappings.md."
    ),
    no_args_is_help=True,
    rich_markup_mode=None,
)

RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        metavar="FILE",
        help="Rule file to use instead of the one in the settings.",
        show_default=False,
    ),
]
OverridesOption = Annotated[
    Path | None,
    typer.Option(
        "--overrides",
        metavar="FILE",
        help="Overrides file to use instead of the one in the settings.",
        show_default=False,
    ),
]
NoOverridesOption = Annotated[
    bool,
    typer.Option("--no-overrides", help="Classify by the rules alone."),
]


@app.command("check")
@admin_errors
def check(
    file: Annotated[
        Path | None,
        typer.Argument(
            metavar="FILE",
            help="Rule file to check. Default: the rules and overrides in the "
            "settings.",
            show_default=False,
        ),
    ] = None,
    overrides: OverridesOption = None,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Check the rules and overrides for mistakes.

    Reads the files without classifying anything. Finds YAML syntax errors, unknown
    keys, fields, operators, categories, roles and lists, invalid regular expressions
    and business ids, duplicate rule names, and rules that can never decide because an
    earlier rule always wins. Each problem is printed as file:line:column: what is
    wrong. What to do.

    Exit code 0 when the files are valid, 1 when there are problems.
    """
    rules_path, overrides_path = _paths(file, overrides, config)
    report = check_files(rules_path, overrides_path)
    if json_output:
        typer.echo(json.dumps(output.check_json(report), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            typer.echo(str(problem))
        for note in report.notes:
            typer.echo(f"note: {note}")
        typer.echo(output.check_summary(rules_path, overrides_path, report))
    if report.problems:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command("test")
@admin_errors
def test(
    cases: Annotated[
        Path | None,
        typer.Argument(
            metavar="CASES",
            help="Cases file. Default: `mappings: tests:` in the settings "
            "(config/mappings_tests.yaml).",
            show_default=False,
        ),
    ] = None,
    rules: RulesOption = None,
    overrides: OverridesOption = None,
    no_overrides: NoOverridesOption = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List the cases that pass too.")
    ] = False,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run the test cases against the rules.

    The cases run like unit tests. Each case gives a record's fields and roles (or the
    records of one partner) and the expected primary category, optionally secondary
    categories, flags and the deciding rule. A failure shows what was expected (-) and
    what the rules gave (+), with the deciding rule. To test a change before it goes
    live: --rules new-mappings.yaml.

    Exit code 0 when every case passes, 1 when any fails.
    """
    if cases is None:
        settings = _settings(config)
        cases = settings.resolve(settings.mappings.tests)
    ruleset = _ruleset(rules, overrides, no_overrides, config)
    if cases is None:
        refuse("Name the cases file, or set `mappings: tests:` in the settings.")
    results = run_cases(cases, ruleset)
    failed = [result for result in results if not result.passed]
    if json_output:
        typer.echo(json.dumps([output.case_json(r) for r in results], indent=2))
    else:
        for result in results:
            if verbose or not result.passed:
                typer.echo("\n".join(output.case_lines(result, cases, ruleset)))
        typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(EXIT_PROBLEMS)


@app.command("explain")
@admin_errors
def explain(
    name: Annotated[
        str | None,
        typer.Option("--name", metavar="NAME", help="Organisation name to classify."),
    ] = None,
    business_id: Annotated[
        str | None,
        typer.Option("--business-id", metavar="Y-TUNNUS", help="Its business id."),
    ] = None,
    industry: Annotated[
        str | None,
        typer.Option("--industry", metavar="CODE", help="Its TOL 2008 code: 84110."),
    ] = None,
    legal_form: Annotated[
        str | None,
        typer.Option("--legal-form", metavar="FORM", help="Its legal form: oy, ry."),
    ] = None,
    role: Annotated[
        list[Role] | None,
        typer.Option(
            "--role",
            metavar="ROLE",
            help="A role seen in its records (funder, partner, customer, "
            "commissioner, research_partner, education_partner, intermediary); "
            "repeat for several.",
        ),
    ] = None,
    unit: Annotated[
        list[str] | None,
        typer.Option(
            "--unit", metavar="UNIT", help="A unit working with it; repeat for several."
        ),
    ] = None,
    csv_in: Annotated[
        Path | None,
        typer.Option(
            "--csv",
            metavar="IN.csv",
            help="CSV of organisations to classify; columns are recognised by common "
            "headers (name/nimi, y-tunnus, toimiala/TOL, yhtiömuoto, rooli, ...).",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="OUT.csv",
            help="With --csv: write the CSV here, not to stdout.",
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option("--encoding", help="With --csv: the text encoding of the CSV."),
    ] = "utf-8-sig",
    crm_id: Annotated[
        str | None,
        typer.Option("--crm-id", metavar="ID", help="Id of a company in the CRM."),
    ] = None,
    lang: Annotated[
        Language, typer.Option("--lang", help="Language of category labels.")
    ] = "en",
    rules: RulesOption = None,
    overrides: OverridesOption = None,
    no_overrides: NoOverridesOption = False,
    config: ConfigOption = None,
    json_output: JsonOption = False,
) -> None:
    """Explain how an organisation is classified.

    Give one organisation with --name (and --business-id, --industry, --legal-form,
    --role as known), a CSV with --csv, or a CRM company with --crm-id. Shows the
    category, the rule that decided and where it is written, every other rule that
    matched, and any override with its reason. For a CSV the result is a CSV: the
    input columns plus sidos_category, sidos_rule and the rest.
    """
    chosen = [x for x in (name, csv_in, crm_id) if x is not None]
    if len(chosen) != 1:
        refuse("Give exactly one of --name, --csv and --crm-id.")
    ruleset = _ruleset(rules, overrides, no_overrides, config)
    if csv_in is not None:
        output.explain_csv(
            csv_in, out, ruleset, encoding=encoding, lang=lang, json_output=json_output
        )
        return
    if crm_id is not None:
        org = _fetch_crm(crm_id, config)
    else:
        org = Organisation(
            ref=SourceRef("command-line", "1"),
            name=name or "",
            business_id=business_id,
            industry_code=industry,
            legal_form=legal_form,
            roles=frozenset(r.value for r in role or ()),
            units=frozenset(unit or ()),
        )
        org = output.with_valid_business_id(org)
    output.print_explanation(explain_organisation(org, ruleset), lang, json_output)


def _fetch_crm(crm_id: str, config: Path | None) -> Organisation:
    settings = _settings(config)
    crm = HubSpotConnector(settings.crm)
    record = crm.fetch_companies([crm_id]).get(crm_id)
    if record is None:
        refuse(
            f"The CRM has no company with id {crm_id!r}. Check the id in the "
            "company's address in the CRM, or use --name."
        )
    staff = {owner.id: owner for owner in crm.pull_owners()}
    return map_crm_company(record, settings.crm.fields, staff)


def _settings(config: Path | None) -> Settings:
    return load_settings(config_path(config))


def _paths(
    file: Path | None, overrides: Path | None, config: Path | None
) -> tuple[Path, Path | None]:
    if file is not None:
        return file, overrides
    settings = _settings(config)
    overrides_path = overrides or settings.resolve(settings.mappings.overrides)
    return settings.resolve(settings.mappings.rules), overrides_path


def _ruleset(
    rules: Path | None, overrides: Path | None, no_overrides: bool, config: Path | None
) -> RuleSet:
    rules_path, overrides_path = _paths(rules, overrides, config)
    return load_ruleset(rules_path, None if no_overrides else overrides_path)
