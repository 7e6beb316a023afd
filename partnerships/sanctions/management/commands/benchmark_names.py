"""Benchmark the screening's name matcher on labelled name pairs, beside OpenSanctions'
own matcher (prints figures; not a test).

The pairs (default tests/data/name-bench.csv, from OpenSanctions nomenklatura, MIT) say
whether `name1` and `name2` name the same person or body; STRONG pairs are those any
matcher must get right. Each pair is scored as the screening scores it (`pair_score`,
words weighted by the list in force, SANCTIONS_MATCH_THRESHOLD); Person pairs as people's
names. With --anchor-python (a virtualenv's python with nomenklatura; `make bench-names`
makes one), the same pairs are scored by nomenklatura's `logic-v2` in that process, in
the same run, and matched at its threshold of 0.7.
"""

import csv
import json
import subprocess
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnerships.sanctions.screening import current_index, pair_score

BENCH = Path(settings.BASE_DIR) / "tests" / "data" / "name-bench.csv"
ANCHOR_SCRIPT = Path(settings.BASE_DIR) / "bin" / "logic_v2_scores.py"
ANCHOR_THRESHOLD = 0.7
ORGANISATIONS = {"Company", "Organization", "LegalEntity"}
GROUPS = [
    ("STRONG (every matcher must get them right)", lambda row: row["quality"] == "STRONG"),
    ("Company + Organization + LegalEntity", lambda row: row["schema"] in ORGANISATIONS),
    ("Person", lambda row: row["schema"] == "Person"),
    ("Vessel", lambda row: row["schema"] == "Vessel"),
    ("all pairs", lambda row: True),
]


def _correct(rows, matches) -> Counter:
    counts = Counter()
    for row, match in zip(rows, matches, strict=True):
        right = match == (row["is_match"].strip().lower() == "true")
        for name, belongs in GROUPS:
            if belongs(row):
                counts[name, "pairs"] += 1
                counts[name, "right"] += right
    return counts


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--pairs", default=str(BENCH), help="Default: %(default)s")
        parser.add_argument("--anchor-python", help="A python with nomenklatura installed.")
        parser.add_argument("--errors", action="store_true", help="List the app's wrong pairs.")

    def handle(self, *args, pairs, anchor_python, errors, **options):
        index = current_index()
        if index is None:
            raise CommandError("No sanctions list in force: run import_sanctions first.")
        with open(pairs, encoding="utf-8", newline="") as source:
            rows = list(csv.DictReader(source))
        threshold = settings.SANCTIONS_MATCH_THRESHOLD
        scores = [
            pair_score(
                row["name1"], row["name2"], index.weights, person=row["schema"] == "Person"
            ).score
            for row in rows
        ]
        app = _correct(rows, [score >= threshold for score in scores])
        anchor = None
        if anchor_python:
            output = subprocess.run(
                [anchor_python, str(ANCHOR_SCRIPT), pairs],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            anchor = _correct(rows, [score >= ANCHOR_THRESHOLD for score in json.loads(output)])

        self.stdout.write(
            f"{len(rows)} labelled pairs ({pairs}); the app's words weighted by the list of "
            f"{index.sanctions_list.date_generated:%Y-%m-%d}, match at {threshold}; "
            f"logic-v2 at {ANCHOR_THRESHOLD}.\n"
        )
        self.stdout.write(f"{'pairs right':<44} {'app':>9} {'logic-v2':>9}")
        for name, _belongs in GROUPS:
            line = f"{name:<44} {app[name, 'right']:>4}/{app[name, 'pairs']:<4}"
            if anchor is not None:
                line += f" {anchor[name, 'right']:>4}/{anchor[name, 'pairs']:<4}"
            self.stdout.write(line)
        if errors:
            self.stdout.write("\nThe app's wrong pairs (label, score, name1 | name2):")
            for row, score in zip(rows, scores, strict=True):
                if (score >= threshold) != (row["is_match"].strip().lower() == "true"):
                    self.stdout.write(
                        f"  {row['is_match']:<5} {score:5.1f}  {row['name1']} | {row['name2']}"
                    )
