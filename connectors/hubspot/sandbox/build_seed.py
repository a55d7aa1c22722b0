"""Build the sandbox's committed seed files and the sample RDI project export.

Run once by a developer when the demo should change, then commit the results::

    python -m connectors.hubspot.sandbox.build_seed \\
        --prh /work/shared/data/prh_tampere/prh_tampere_companies_extracted.csv

It writes ``data/prh_tampere.csv.gz`` (a compact copy of the PRH extract),
``data/demo_seed.json.gz`` (owners and companies), ``data/demo_truth.json`` (which
records are one organisation) and ``connectors/samples/rdi_projects.csv``. The output
depends only on the PRH file: building twice gives identical bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from connectors.hubspot.sandbox._catalogue import (
    HARD_NEGATIVE_KEYS,
    PRH_HARD_NEGATIVE_IDS,
    PRH_SIMILAR_NAMES,
    Org,
)
from connectors.hubspot.sandbox._demo_crm import (
    DemoCRM,
    build_owners,
    build_records,
    company_json,
    org_from_prh,
    pick_orgs,
)
from connectors.hubspot.sandbox._demo_projects import HEADER, ProjectRow, build_projects
from connectors.hubspot.sandbox.seed import (
    DEMO_SEED,
    DEMO_TRUTH,
    PRH_NAMES,
    PRHCompany,
)

SAMPLES_DIR = Path(__file__).parents[2] / "samples"
RDI_EXPORT = SAMPLES_DIR / "rdi_projects.csv"
GENERATOR_SEED = "sidos-demo-2025"
NOTICE = (
    "Source: Finnish Patent and Registration Office (PRH), YTJ open data (CC BY 4.0)"
)
ONLY_IN_PROJECTS = 15


def read_prh(path: Path) -> list[PRHCompany]:
    """Read PRH's Tampere extract, sorted by business id."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [
            PRHCompany(
                row["businessId"].strip(),
                row["name"].strip(),
                row["mainBusinessLineType"].strip(),
                row["postCode"].strip(),
            )
            for row in csv.DictReader(handle)
        ]
    return sorted(rows, key=lambda company: company.business_id)


def write_prh(companies: Sequence[PRHCompany], path: Path) -> None:
    """Write the compact PRH copy that ``--seed N`` generates from."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(("business_id", "name", "tol", "postcode"))
    writer.writerows(
        (c.business_id, c.name, c.industry_code, c.postcode) for c in companies
    )
    _write_gzip(path, text.getvalue())


def _write_gzip(path: Path, text: str) -> None:
    # mtime=0 keeps the bytes identical from one build to the next.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as handle,
    ):
        handle.write(text.encode("utf-8"))


def build_demo(prh: Sequence[PRHCompany]) -> tuple[DemoCRM, list[ProjectRow]]:
    """Build the demo account and its project export from the PRH extract."""
    rng = random.Random(GENERATOR_SEED)
    crm = DemoCRM(pick_orgs(prh, rng), build_owners(rng))
    build_records(crm, rng)

    in_crm = {org.key for org in crm.orgs}
    only_here = _outside_crm(prh, in_crm, rng)
    partners = [org for org in crm.orgs if org.kind != "funder"]
    rows = build_projects(
        {org.key: org for org in crm.orgs},
        partners,
        only_here,
        _staff_by_unit(crm.owners),
        rng,
    )
    return crm, rows


def _outside_crm(
    prh: Sequence[PRHCompany], in_crm: set[str], rng: random.Random
) -> list[Org]:
    pool = [
        company
        for company in prh
        if f"prh:{company.business_id}" not in in_crm
        and company.industry_code.startswith(("62", "71", "72", "28", "86", "70220"))
    ]
    return [org_from_prh(company) for company in rng.sample(pool, ONLY_IN_PROJECTS)]


def _staff_by_unit(owners: list[dict[str, Any]]) -> dict[str, list[str]]:
    staff: dict[str, list[str]] = {}
    for owner in owners:
        if not owner["archived"]:
            staff.setdefault(owner["teams"][0]["name"], []).append(owner["email"])
    return staff


def truth_json(crm: DemoCRM, rows: Sequence[ProjectRow]) -> dict[str, Any]:
    """Return the ground truth: every record's and every row's organisation."""
    orgs = {org.key: org for org in crm.orgs}
    orgs.update({row_org.key: row_org for row_org in _row_orgs(rows, orgs)})
    by_business_id = {
        org.business_id: org.key for org in orgs.values() if org.business_id
    }
    prh_pairs = [
        [by_business_id[a], by_business_id[b]] for a, b in PRH_HARD_NEGATIVE_IDS
    ]
    similar = [
        [_key_of_name(orgs, a), _key_of_name(orgs, b)] for a, b in PRH_SIMILAR_NAMES
    ]
    return {
        "notice": NOTICE,
        "format": "hubspot: company id -> organisation key; rdi_projects: data "
        "row (1 = first row after the header) -> organisation key",
        "organisations": {
            key: {"name": org.name, "business_id": org.business_id, "kind": org.kind}
            for key, org in sorted(orgs.items())
        },
        "hubspot": {str(record.id): record.org.key for record in crm.records},
        "rdi_projects": [
            {
                "row": index,
                "project_id": row.values[0],
                "organisation": row.values[4],
                "org": row.org_key,
            }
            for index, row in enumerate(rows, start=1)
        ],
        "hard_negatives": [list(pair) for pair in HARD_NEGATIVE_KEYS]
        + prh_pairs
        + similar,
        "related": [
            ["org:business-finland-agency", "org:business-finland-oy", "one_funder"],
            ["org:ely-pirkanmaa", "org:elinvoimakeskus", "successor"],
            ["org:alma-media", "org:aamulehti", "group"],
        ],
    }


def _row_orgs(rows: Sequence[ProjectRow], known: dict[str, Org]) -> list[Org]:
    # Organisations found only in the export are rebuilt from their key.
    return [
        Org(row.org_key, row.values[4], "company")
        for row in rows
        if row.org_key not in known
    ]


def _key_of_name(orgs: dict[str, Org], name: str) -> str:
    return next(key for key, org in orgs.items() if org.name == name)


def write_outputs(crm: DemoCRM, rows: Sequence[ProjectRow], data_dir: Path) -> None:
    """Write the seed, the truth and the project export."""
    seed = {
        "notice": NOTICE,
        "owners": crm.owners,
        "companies": [company_json(r) for r in sorted(crm.records, key=lambda r: r.id)],
    }
    _write_gzip(data_dir / DEMO_SEED.name, json.dumps(seed, ensure_ascii=False))
    truth = json.dumps(truth_json(crm, rows), ensure_ascii=False, indent=1)
    (data_dir / DEMO_TRUTH.name).write_text(truth + "\n", encoding="utf-8")
    with RDI_EXPORT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(row.values for row in rows)


def main(argv: Sequence[str] | None = None) -> None:
    """Build every seed file from the PRH extract named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--prh",
        type=Path,
        required=True,
        help="PRH's prh_tampere_companies_extracted.csv",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=PRH_NAMES.parent,
        help="directory for the seed files (default: the package's)",
    )
    args = parser.parse_args(argv)

    prh = read_prh(args.prh)
    args.out.mkdir(parents=True, exist_ok=True)
    write_prh(prh, args.out / PRH_NAMES.name)
    crm, rows = build_demo(prh)
    write_outputs(crm, rows, args.out)

    print(
        f"{len(crm.records)} companies, {len(crm.owners)} owners, "
        f"{len(rows)} project rows written to {args.out} and {RDI_EXPORT}"
    )


if __name__ == "__main__":
    main()
