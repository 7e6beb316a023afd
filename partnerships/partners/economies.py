"""Developed / developing / in-transition economies, from UN DESA's WESP classification.

Principle 7 asks for balanced representation of partners from these three
groups. The classification ships as a data file (data/README.md says where it
comes from); each partner and each assessment records the edition it used.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from anyascii import anyascii
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries

EDITION = "WESP 2025"
SOURCE = (
    "UN DESA, World Economic Situation and Prospects 2025, statistical annex: "
    "country classification"
)
DATA_FILE = Path(__file__).parent / "data" / "wesp_country_classification.csv"


class EconomyGroup(models.TextChoices):
    DEVELOPED = "developed", _("Developed economy")
    DEVELOPING = "developing", _("Developing economy")
    TRANSITION = "transition", _("Economy in transition")


@dataclass(frozen=True)
class CountryClassification:
    code: str
    name: str
    group: EconomyGroup
    region: str  # UN M49 region: Africa, Americas, Asia, Europe, Oceania
    basis: str  # "wesp": listed by WESP; "decision": this file's explicit decision
    note: str


@functools.cache
def classifications() -> dict[str, CountryClassification]:
    with DATA_FILE.open(encoding="utf-8", newline="") as data:
        return {
            row["iso_alpha2"]: CountryClassification(
                code=row["iso_alpha2"],
                name=row["name"],
                group=EconomyGroup(row["economy_group"]),
                region=row["region"],
                basis=row["basis"],
                note=row["note"],
            )
            for row in csv.DictReader(data)
        }


def region_of(country_code: str) -> str:
    return classifications()[country_code.upper()].region


def economy_group_of(country_code: str) -> EconomyGroup:
    """The group of an ISO 3166-1 alpha-2 code; KeyError for a code the file lacks."""
    return classifications()[country_code.upper()].group


def _country_key(name: str) -> frozenset[str]:
    words = re.findall(r"[a-z]+", anyascii(name).casefold().replace("'", ""))
    return frozenset(words) - {"the", "of", "and"}


@functools.cache
def _codes_by_name() -> dict[frozenset[str], str]:
    codes = {_country_key(str(name)): code for code, name in countries}
    codes.update({_country_key(c.name): c.code for c in classifications().values()})
    return codes


def country_code_of(name: str) -> str | None:
    """The ISO code of a country named as the UN or ISO name it, in any word order
    ("Democratic People's Republic of Korea", "Korea (the Democratic People's Republic
    of)" -> "KP"); None for a name that is no country."""
    return _codes_by_name().get(_country_key(name))
