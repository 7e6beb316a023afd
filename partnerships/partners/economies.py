"""Developed / developing / in-transition economies, from UN DESA's WESP classification.

Principle 7 asks for balanced representation of partners from these three
groups. The classification ships as a data file (data/README.md says where it
comes from); each partner and each assessment records the edition it used.
"""

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from django.db import models
from django.utils.translation import gettext_lazy as _

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
