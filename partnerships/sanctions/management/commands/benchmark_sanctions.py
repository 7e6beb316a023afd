"""Benchmark sanctions screening on the real Consolidated List (prints figures; not a test).

Imports the UN Security Council Consolidated List of 2026-02-27 (tests/data), then times
screening a registry of --partners partners against it, as after an import (building the
list's index included) with --people key people each, and saving one partner at a
time, screening included (p50 / p95 over --saves saves). The partners' names are made
of words common in organisations' names and of words of listed names, and one in fifty
holds a listed entity's name with words added; people's names are common given and
family names, one in a hundred a listed individual's, so that the screening meets what
it meets in real use. Everything runs in a
transaction that is rolled back: the database is left as it was.
"""

import datetime
import random
import statistics
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from partnerships.benchmarks.pages import nearest_rank
from partnerships.partners.models import KeyPerson, KeyPersonRole, Partner
from partnerships.sanctions import screening
from partnerships.sanctions.importing import import_list, read_source
from partnerships.sanctions.models import EntryKind, SanctionsEntry, SanctionsName
from partnerships.sanctions.screening import screen_partners

REAL_LIST = Path(settings.BASE_DIR) / "tests" / "data" / "un-consolidated-2026-02-27.xml.gz"
COMMON = (  # noqa: SIM905 (words common in organisations' names)
    "Global Green Health Education Water Solar Rural Community Development Foundation "
    "Trust Institute Society Alliance International Partners Network Services Trading "
    "Energy Logistics Holdings Capital Relief Aid Youth Women Children Farmers Clinic"
).split()
GIVEN = (  # noqa: SIM905 (names common in many countries)
    "Amina Jean Maria Ahmed Li Anna David Fatima Carlos Olga Ivan Grace Omar Sofia Peter "
    "Aisha Juan Mei Samuel Nadia Pierre Ana Yusuf Elena Kofi Leila Raj Hana Tomas Zainab"
).split()
FAMILY = (  # noqa: SIM905
    "Diallo Smith Garcia Khan Wang Müller Okafor Silva Ivanova Haddad Kim Nguyen Mensah "
    "Rossi Kowalski Tanaka Hassan Perez Novak Banda Costa Osei Sato Ali Lopez Dubois Mwangi"
).split()
SYLLABLES = (  # noqa: SIM905 (for --made-up-names)
    "ka lo mi ra tu sen vor da ni bel quo ze han ri mo ta lek su pa vin ob ur el is gar fen dro "
).split()
COUNTRIES = ["KE", "DE", "BR", "VN", "GE", "IN", "FR", "NG", "PK", "ID"]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=10_000)
        parser.add_argument("--people", type=int, default=2, help="Key people a partner.")
        parser.add_argument("--saves", type=int, default=50)
        parser.add_argument(
            "--made-up-names",
            action="store_true",
            help="Partners and people named with words made of syllables, nearly all of "
            "them new to the screening (its words' lookups are not reused).",
        )

    def handle(self, *args, partners, people, saves, made_up_names, **options):
        rng = random.Random(11)
        if made_up_names:
            self._name = lambda rng, *_args: self._made_up(rng, 2) + rng.choice(["", " Trust"])
            self._person = lambda rng, _individuals: self._made_up(rng, rng.choice([2, 3]))
        with transaction.atomic():
            start = time.perf_counter()
            sanctions_list = import_list(read_source(str(REAL_LIST)), source=str(REAL_LIST))
            imported = time.perf_counter() - start
            names = SanctionsName.objects.filter(entry__sanctions_list=sanctions_list).count()
            entities = list(
                SanctionsEntry.objects.filter(
                    sanctions_list=sanctions_list, kind=EntryKind.ENTITY
                ).values_list("name", flat=True)
            )
            listed_words = sorted({w for name in entities for w in name.title().split()})
            individuals = list(
                SanctionsEntry.objects.filter(
                    sanctions_list=sanctions_list, kind=EntryKind.INDIVIDUAL
                ).values_list("name", flat=True)
            )
            registry = Partner.objects.bulk_create(  # bulk: no screening on creation
                Partner(
                    legal_name=self._name(rng, entities, listed_words, n),
                    partner_type="ngo",
                    country=rng.choice(COUNTRIES),
                )
                for n in range(partners)
            )
            KeyPerson.objects.bulk_create(
                KeyPerson(
                    partner=partner,
                    name=self._person(rng, individuals),
                    role=rng.choice(KeyPersonRole.values),
                    date_of_birth=datetime.date(rng.randint(1940, 2000), 1, 1)
                    if rng.random() < 0.5
                    else None,
                    nationality=rng.choice(COUNTRIES),
                )
                for partner in registry
                for _ in range(people)
            )
            screening._index.cache_clear()  # as in a worker that meets the list first
            start = time.perf_counter()
            hits = screen_partners()
            screened = time.perf_counter() - start
            save_times = []
            for n in range(saves):
                partner = Partner(
                    legal_name=self._name(rng, entities, listed_words, n),
                    partner_type="business_sme",
                    country=rng.choice(COUNTRIES),
                )
                start = time.perf_counter()
                partner.save()  # screened by its post_save signal
                save_times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
        self.stdout.write(
            f"Import of the list of {sanctions_list.date_generated:%Y-%m-%d} "
            f"({sanctions_list.individuals} individuals, {sanctions_list.entities} entities, "
            f"{names} names): {imported:.2f} s"
        )
        self.stdout.write(
            f"Screening {partners} partners with {people} key people each against it (index "
            f"built first{', made-up names' if made_up_names else ''}): {screened:.2f} s "
            f"({screened / partners * 1000:.2f} ms a partner), {len(hits)} potential matches."
        )
        self.stdout.write(
            f"Saving one partner, screening included ({saves} saves): "
            f"p50 {statistics.median(save_times) * 1000:.1f} ms, "
            f"p95 {nearest_rank(save_times, 95) * 1000:.1f} ms"
        )
        self.stdout.write("Rolled back: the database is unchanged.")

    @staticmethod
    def _made_up(rng, words: int) -> str:
        return " ".join(
            "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()
            for _ in range(words)
        )

    @staticmethod
    def _person(rng, individuals) -> str:
        if rng.random() < 0.01:  # a listed individual's name
            return rng.choice(individuals).title()
        return " ".join([*rng.sample(GIVEN, rng.choice([1, 1, 2])), rng.choice(FAMILY)])

    @staticmethod
    def _name(rng, entities, listed_words, n) -> str:
        if n % 50 == 0:  # a listed entity's name, with more words
            return f"{rng.choice(entities).title()} {rng.choice(COMMON)}"
        words = rng.sample(COMMON, 2) + [rng.choice(listed_words) for _ in range(n % 2)]
        rng.shuffle(words)
        return " ".join(words) + rng.choice(["", " Ltd", " e.V.", " Foundation"])
