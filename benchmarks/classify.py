"""Measure how many organisations per second the default rules classify, on one core.

Generates synthetic Finnish organisations (names with legal forms, TOL 2008 codes
weighted like a city's company register, roles and units as project exports show them),
then times ``classify`` over them and ``classify_partner`` over two-record partners.
Generation is not timed; the time is the CPU time of this process, so that other
work on the machine does not inflate it. Run from the repository root:

    .venv/bin/python benchmarks/classify.py              # 1,000,000 records
    .venv/bin/python benchmarks/classify.py --records 200000 --rules my-rules.yaml
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from mappings.classify import classify, classify_partner, load_ruleset
from mappings.model import Organisation, SourceRef
from mappings.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 100_000

# Shares close to the PRH open-data extract of Tampere companies: housing and
# real-estate management lead, then consulting, software and construction.
TOL_WEIGHTS: dict[str | None, int] = {
    "68202": 2400,
    "68209": 770,
    "70220": 530,
    "62010": 380,
    "41200": 280,
    "64990": 260,
    "43210": 150,
    "56101": 140,
    "47190": 110,
    "86210": 100,
    "96021": 100,
    "49410": 100,
    "45200": 90,
    "43320": 80,
    "74101": 70,
    "71121": 70,
    "85599": 60,
    "85420": 8,
    "85310": 10,
    "85530": 15,
    "72190": 20,
    "94999": 40,
    "94200": 10,
    "94110": 8,
    "94920": 3,
    "84110": 10,
    "84130": 4,
    "58130": 6,
    "58210": 10,
    "60200": 3,
    "59110": 12,
    "63910": 1,
    "63110": 30,
    "28410": 40,
    "46900": 120,
    "69201": 110,
    "73110": 60,
    None: 600,
}
FORMS = (
    ["Oy"] * 60 + ["As Oy"] * 20 + ["Ky", "Ky", "Ay", "ry", "ry", "Oyj", "osk", "Tmi"]
)
FORMS += [""] * 6
WORDS = [
    "Tampereen",
    "Pirkan",
    "Hervannan",
    "Nordic",
    "Koodi",
    "Rakennus",
    "Kiinteistö",
    "Sähkö",
    "Lahden",
    "Suomen",
    "Metsä",
    "Puu",
    "Kone",
    "Data",
    "Hämeen",
    "Kalevan",
    "Pyynikin",
    "Näsin",
    "Tekno",
    "Logistiikka",
    "Konsultointi",
    "Ravintola",
]
SPECIAL = [
    ("Tampereen kaupunki", "84110", "0211675-2"),
    ("Business Finland", None, None),
    ("Suomen Akatemia", "84130", None),
    ("Pirkanmaan liitto", "84110", None),
    ("Pirkanmaan ELY-keskus", None, None),
    ("Tampereen yliopisto", "85420", "2844561-8"),
    ("Yleisradio Oy", "60200", None),
]
ROLE_SETS: list[frozenset[str]] = [frozenset()] * 85 + [
    frozenset({"funder"}),
    frozenset({"funder"}),
    frozenset({"partner"}),
    frozenset({"customer"}),
    frozenset({"customer", "commissioner"}),
    frozenset({"research_partner"}),
    frozenset({"research_partner", "funder"}),
    frozenset({"partner"}),
    frozenset({"customer"}),
    frozenset({"intermediary"}),
    frozenset({"partner", "customer"}),
    frozenset({"education_partner"}),
    frozenset({"commissioner"}),
    frozenset({"partner"}),
    frozenset({"funder"}),
]
UNIT_SETS: list[frozenset[str]] = [frozenset()] * 6 + [
    frozenset({"Tekniikka"}),
    frozenset({"Liiketalous"}),
    frozenset({"Sote"}),
    frozenset({"Tekniikka", "Liiketalous", "Sote"}),
]


def generate(count: int, rnd: random.Random) -> Iterator[Organisation]:
    """Yield ``count`` synthetic organisations."""
    codes = list(TOL_WEIGHTS)
    weights = list(TOL_WEIGHTS.values())
    drawn = rnd.choices(codes, weights, k=count)
    for index, code in enumerate(drawn):
        if rnd.random() < 0.002:
            name, code, business_id = rnd.choice(SPECIAL)
        else:
            form = rnd.choice(FORMS)
            name = (
                f"{rnd.choice(WORDS)} {rnd.choice(WORDS)}{index % 977} {form}".strip()
            )
            business_id = None
        yield Organisation(
            ref=SourceRef("bench", str(index)),
            name=name,
            business_id=business_id,
            industry_code=code,
            roles=rnd.choice(ROLE_SETS),
            units=rnd.choice(UNIT_SETS),
        )


def time_records(
    ruleset: RuleSet, total: int, seed: int
) -> tuple[float, float, Counter[str]]:
    """Classify ``total`` records in chunks; return CPU and wall seconds, and counts."""
    rnd = random.Random(seed)
    cpu = wall = 0.0
    counts: Counter[str] = Counter()
    done = 0
    while done < total:
        batch = list(generate(min(CHUNK, total - done), rnd))
        gc.collect()
        started, started_cpu = time.perf_counter(), time.process_time()
        results = [classify(org, ruleset).primary for org in batch]
        cpu += time.process_time() - started_cpu
        wall += time.perf_counter() - started
        counts.update(results)
        done += len(batch)

    return cpu, wall, counts


def time_partners(ruleset: RuleSet, total: int, seed: int) -> float:
    """Classify ``total`` partners of a CRM record and a project record each.

    The project record has the same name but no industry code or legal form, and
    brings the roles and units seen in projects, as a project export would.
    """
    rnd = random.Random(seed)
    partners = [
        [
            crm,
            dataclasses.replace(
                crm,
                ref=SourceRef("projects", crm.ref.id),
                industry_code=None,
                roles=rnd.choice(ROLE_SETS),
                units=rnd.choice(UNIT_SETS),
            ),
        ]
        for crm in generate(total, rnd)
    ]
    start = time.process_time()
    for number, members in enumerate(partners):
        classify_partner(members, ruleset, partner_id=f"p-{number}")

    return time.process_time() - start


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=200_000)
    parser.add_argument("--rules", type=Path, default=ROOT / "config" / "mappings.yaml")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    ruleset = load_ruleset(args.rules)
    seconds, wall, counts = time_records(ruleset, args.records, args.seed)
    partner_seconds = time_partners(ruleset, args.partners, args.seed + 1)

    print(f"rules:       {args.rules} ({len(ruleset.rules)} rules)")
    print(
        f"records:     {args.records:,} in {seconds:.2f} s of CPU "
        f"= {args.records / seconds:,.0f} organisations/s (one core); "
        f"{wall:.2f} s wall time"
    )
    print(
        f"partners:    {args.partners:,} two-record partners in "
        f"{partner_seconds:.2f} s of CPU = {args.partners / partner_seconds:,.0f}/s"
    )
    per_million = max(seconds, wall) * 1_000_000 / args.records
    verdict = "met" if per_million < 20 else "NOT met"
    print(
        f"target:      1,000,000 records in under 20 s: {verdict} ({per_million:.1f} s)"
    )
    print(
        "categories:  "
        + ", ".join(
            f"{name} {count / args.records:.1%}" for name, count in counts.most_common()
        )
    )


if __name__ == "__main__":
    main()
