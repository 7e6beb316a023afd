"""Score name pairs exactly as the screening does, and print them as CSV.

PAIRS.csv has a header with `name1` (a partner's or a person's name) and `name2` (a listed
name); other columns are ignored. Prints `name1,name2,score,match`: the score the
screening gives name1 against name2 (0-100, words weighted by the list in force), and
whether it reaches SANCTIONS_MATCH_THRESHOLD ("true"/"false"). With --people the names
are compared as people's names (as key people are against listed individuals). Cells
that a spreadsheet would read as a formula are quoted as text.
"""

import csv

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from partnerships.oversight.exports import spreadsheet_safe
from partnerships.sanctions.screening import current_index, pair_score


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("pairs", metavar="PAIRS.csv")
        parser.add_argument("--people", action="store_true", help="Compare people's names.")

    def handle(self, *args, pairs, people, **options):
        index = current_index()
        if index is None:
            raise CommandError(
                "No sanctions list in force: the words' weights come from it. "
                "Run import_sanctions first."
            )
        try:
            with open(pairs, encoding="utf-8-sig", newline="") as source:
                reader = csv.DictReader(source)
                missing = {"name1", "name2"} - set(reader.fieldnames or ())
                rows = [] if missing else list(reader)
        except (OSError, UnicodeDecodeError, csv.Error) as error:
            raise CommandError(f"Cannot read {pairs}: {error}") from None
        if missing:
            raise CommandError(f"{pairs} has no column {', '.join(sorted(missing))}.")
        threshold = settings.SANCTIONS_MATCH_THRESHOLD
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["name1", "name2", "score", "match"])
        for row in rows:
            name1, name2 = row["name1"] or "", row["name2"] or ""
            score = pair_score(name1, name2, index.weights, person=people).score
            writer.writerow(
                [spreadsheet_safe(name1), spreadsheet_safe(name2), f"{score:.1f}",
                 "true" if score >= threshold else "false"]
            )  # fmt: skip
        self.stderr.write(
            f"score_names: {len(rows)} pairs, threshold {threshold}, weights from the list "
            f"of {index.sanctions_list.date_generated:%Y-%m-%d}."
        )
