"""Benchmark sanctions screening (prints figures; not a test).

Builds a synthetic consolidated list of about 1,300 entries (1,000 individuals, 300
entities, with aliases), times its import, then times screening 10,000 partners against
it. Everything runs in a transaction that is rolled back: the database is left as it was.
"""

import random
import time
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand
from django.db import transaction

from partnerships.partners.models import Partner
from partnerships.sanctions.importing import import_list
from partnerships.sanctions.models import SanctionsName
from partnerships.sanctions.screening import screen_partners

SYLLABLES = [
    "al",
    "ba",
    "ka",
    "ra",
    "mi",
    "to",
    "su",
    "ne",
    "li",
    "zo",
    "ha",
    "ri",
    "da",
    "vo",
    "ke",
    "ma",
    "sa",
    "ti",
    "no",
    "ru",
    "fa",
    "ge",
    "lo",
    "pe",
    "vi",
]
WORDS = [
    "trading",
    "holdings",
    "shipping",
    "energy",
    "group",
    "logistics",
    "capital",
    "mining",
    "trust",
    "foundation",
]


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()


def synthetic_list(individuals: int, entities: int, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    parts = ['<CONSOLIDATED_LIST dateGenerated="2026-10-01T08:00:00"><INDIVIDUALS>']
    for n in range(individuals):
        first, second, third = _word(rng), _word(rng), _word(rng)
        parts.append(
            f"<INDIVIDUAL><DATAID>{100000 + n}</DATAID><FIRST_NAME>{first}</FIRST_NAME>"
            f"<SECOND_NAME>{second}</SECOND_NAME><THIRD_NAME>{third}</THIRD_NAME>"
            f"<UN_LIST_TYPE>Synthetic</UN_LIST_TYPE><REFERENCE_NUMBER>SYi.{n}</REFERENCE_NUMBER>"
            f"<LISTED_ON>2020-01-01</LISTED_ON><INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY>"
            f"<ALIAS_NAME>{second} {first}; {first} {_word(rng)}</ALIAS_NAME></INDIVIDUAL_ALIAS>"
            "</INDIVIDUAL>"
        )
    parts.append("</INDIVIDUALS><ENTITIES>")
    for n in range(entities):
        name = f"{_word(rng)} {rng.choice(WORDS).capitalize()}"
        parts.append(
            f"<ENTITY><DATAID>{200000 + n}</DATAID><FIRST_NAME>{escape(name)}</FIRST_NAME>"
            f"<UN_LIST_TYPE>Synthetic</UN_LIST_TYPE><REFERENCE_NUMBER>SYe.{n}</REFERENCE_NUMBER>"
            f"<ENTITY_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>{_word(rng)} Co</ALIAS_NAME>"
            "</ENTITY_ALIAS></ENTITY>"
        )
    parts.append("</ENTITIES></CONSOLIDATED_LIST>")
    return "".join(parts).encode()


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=10_000)

    def handle(self, *args, partners, **options):
        data = synthetic_list(1000, 300)
        rng = random.Random(11)
        with transaction.atomic():
            start = time.perf_counter()
            sanctions_list = import_list(data, source="synthetic benchmark list")
            imported = time.perf_counter() - start
            entries = sanctions_list.entries.count()
            names = SanctionsName.objects.filter(entry__sanctions_list=sanctions_list).count()
            Partner.objects.bulk_create(
                Partner(
                    legal_name=f"{_word(rng)} {rng.choice(WORDS).capitalize()} Ltd",
                    other_names=_word(rng) if n % 3 == 0 else "",
                    partner_type="business_sme",
                    country=rng.choice(["KE", "DE", "BR", "VN", "GE"]),
                )
                for n in range(partners)
            )
            start = time.perf_counter()
            hits = screen_partners()
            screened = time.perf_counter() - start
            transaction.set_rollback(True)
        self.stdout.write(
            f"Import of a synthetic list of {entries} entries, {names} names "
            f"({len(data) // 1024} KB): "
            f"{imported:.2f} s"
        )
        self.stdout.write(
            f"Screening {partners} partners against it: {screened:.2f} s "
            f"({screened / partners * 1000:.2f} ms a partner), {len(hits)} potential matches."
        )
        self.stdout.write("Rolled back: the database is unchanged.")
