"""Screening partners against the list in force (matching.py says how names are scored).

A partner's legal name and other names are compared with every listed name (primary,
original script, aliases; a field "A/B" gives both); its key people's names with every
listed individual's, a date of birth or nationality that agrees with the listed one
raising the score, one that contradicts it lowering it. Weak ("Low" quality) aliases
count less. A score at or above SANCTIONS_MATCH_THRESHOLD opens a hit for a person to
clear or confirm, with how the score was made; a hit already decided keeps its decision.
"""

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from partnerships.partners.models import KeyPerson, Partner
from partnerships.sanctions.index import QUALITY_FACTORS, ListIndex, listed_variants
from partnerships.sanctions.matching import NameMatch, WordWeights, compare_names
from partnerships.sanctions.models import SanctionsList, SanctionsName, ScreeningHit
from partnerships.sanctions.names import ParsedName, parse_name
from partnerships.sanctions.services import hits_relist

# Screening this many names (partners and people) or more, their words are looked up at
# once (ListIndex.look_up) rather than one by one.
LOOKED_UP_AT_ONCE_FROM = 200
# A key person's date of birth or nationality against a listed individual's: points added
# when they agree, taken off when they contradict.
BIRTH_AGREES, BIRTH_DIFFERS = 5.0, 15.0
NATIONALITY_AGREES, NATIONALITY_DIFFERS = 5.0, 10.0


@dataclass
class Match:
    """A partner name's (or key person's) best match with one listed entry."""

    score: float  # the name's score, times the listed name's quality factor, with evidence
    listed: SanctionsName
    partner_name: str
    name_match: NameMatch
    # [what, the person's, the listed, points]: date of birth and nationality compared
    evidence: list[list] = field(default_factory=list)

    def explanation(self) -> dict:
        return {
            **self.name_match.as_dict(),
            "name_score": round(self.name_match.score, 1),
            "quality": self.listed.quality,
            "quality_factor": QUALITY_FACTORS.get(self.listed.quality, 1),
            "evidence": self.evidence,
        }


def _listed_birth(birth: dict) -> str:
    if "date" in birth:
        return birth["date"]
    return str(birth["year"]) if "year" in birth else f"{birth['from']}–{birth['to']}"


def _born_as_listed(born, birth: dict) -> bool:
    if "date" in birth:
        return born.isoformat() == birth["date"]
    if "year" in birth:
        return born.year == birth["year"]
    return birth["from"] <= born.year <= birth["to"]


@dataclass(frozen=True)
class PersonFacts:
    """What tells a key person from a namesake, as the screening compares it."""

    date_of_birth: datetime.date | None
    nationality: str  # a country code, or ""


def person_evidence(person: PersonFacts, entry) -> list[list]:
    """The person's date of birth and nationality against the listed individual's."""
    evidence = []
    if person.date_of_birth and entry.birth_dates:
        agrees = any(_born_as_listed(person.date_of_birth, b) for b in entry.birth_dates)
        evidence.append(
            [
                "date_of_birth",
                person.date_of_birth.isoformat(),
                ", ".join(_listed_birth(b) for b in entry.birth_dates),
                BIRTH_AGREES if agrees else -BIRTH_DIFFERS,
            ]
        )
    if person.nationality and entry.nationalities:
        agrees = person.nationality in entry.nationalities
        evidence.append(
            [
                "nationality",
                person.nationality,
                ", ".join(entry.nationalities),
                NATIONALITY_AGREES if agrees else -NATIONALITY_DIFFERS,
            ]
        )
    return evidence


def best_matches(
    index: ListIndex,
    names: dict[str, ParsedName],
    threshold: float,
    *,
    person: PersonFacts | None = None,
) -> dict[int, Match]:
    """{entry id: its best match} of `names` (a partner's, each as parse_name reads it)
    at or above the threshold. For a key `person`, the listed individuals only, and the
    evidence of their date of birth and nationality."""
    best: dict[int, Match] = {}
    # What a person's date of birth and nationality may add, at best.
    bonus = (BIRTH_AGREES if person and person.date_of_birth else 0) + (
        NATIONALITY_AGREES if person and person.nationality else 0
    )
    for name, query in names.items():
        if not query.words:
            continue
        for i in index.candidates(query, threshold - bonus, individuals_only=person is not None):
            listed = index.names[i]
            name_match = compare_names(
                query, index.parsed[i], index.weights, person=index.individual[i]
            )
            score = name_match.score * index.quality[i]
            if score + bonus < threshold:
                continue
            evidence = person_evidence(person, listed.entry) if person else []
            if evidence:
                score += sum(points for *_facts, points in evidence)
                score = max(0.0, min(score, 100.0 if name_match.same_name else 99.9))
            if score >= threshold and score > getattr(best.get(listed.entry_id), "score", 0):
                best[listed.entry_id] = Match(score, listed, name, name_match, evidence)
    return best


@functools.lru_cache(maxsize=2)
def _index(list_id: int, imported_at) -> ListIndex:
    # A list never changes once imported (a re-import is a new list): safe to keep.
    return ListIndex(SanctionsList.objects.get(pk=list_id))


@dataclass(frozen=True)
class _Screened:
    """A partner or a key person as the screening reads them (values, not model objects:
    a registry is read whole)."""

    partner_id: int
    partner_name: str  # the partner's legal name
    names: dict[str, ParsedName]
    person_id: int | None = None
    person_name: str = ""
    person_role: str = ""
    facts: PersonFacts | None = None


def _to_screen(partners: list[Partner] | None) -> list[_Screened]:
    """The partners (all: None) then their key people, read afresh (a partner object may
    hold a stale prefetched list of people)."""
    if partners is None:
        rows = Partner.objects.values_list("pk", "legal_name", "other_names")
        people = KeyPerson.objects.all()
    else:
        rows = [(p.pk, p.legal_name, p.other_names) for p in partners]
        people = KeyPerson.objects.filter(partner__in=[p.pk for p in partners])
    legal_names = {}
    screened = []
    for pk, legal_name, other_names in rows:
        legal_names[pk] = legal_name
        names = [legal_name, *Partner.split_other_names(other_names)]
        screened.append(_Screened(pk, legal_name, {name: parse_name(name) for name in names}))
    fields = ("pk", "partner_id", "name", "role", "date_of_birth", "nationality")
    for pk, partner_id, name, role, born, nationality in people.values_list(*fields):
        screened.append(
            _Screened(
                partner_id,
                legal_names[partner_id],
                {name: parse_name(name)},
                person_id=pk,
                person_name=name,
                person_role=role,
                facts=PersonFacts(born, nationality or ""),
            )
        )
    return screened


def screen_partners(partners: Iterable[Partner] | None = None) -> list[ScreeningHit]:
    """Screen partners (all by default) and their key people against the list in force;
    the hits opened, and those on an entry listed again after it had been removed
    (reopened)."""
    index = current_index()
    if index is None:
        return []
    sanctions_list = index.sanctions_list
    threshold = settings.SANCTIONS_MATCH_THRESHOLD
    partners = None if partners is None else list(partners)
    to_screen = _to_screen(partners)
    hits = ScreeningHit.objects.all()
    if partners is not None:
        hits = hits.filter(partner__in=[p.pk for p in partners])
    # A hit is on a partner's names (person None) or on one key person, whatever their
    # name; a hit on a person since removed (person None, a name) is on nobody now.
    existing, delisted = set(), {}
    for pk, partner_id, person_id, person_name, data_id, delisted_at in hits.values_list(
        "pk", "partner_id", "person_id", "person_name", "entry_data_id", "delisted_at"
    ):
        if person_name and person_id is None:
            continue
        existing.add((partner_id, person_id, data_id))
        if delisted_at is not None:
            delisted[partner_id, person_id, data_id] = pk
    if len(to_screen) >= LOOKED_UP_AT_ONCE_FROM:
        index.look_up(query for one in to_screen for query in one.names.values())
    opened, relisted = [], []
    for one in to_screen:
        for match in best_matches(index, one.names, threshold, person=one.facts).values():
            entry = match.listed.entry
            key = (one.partner_id, one.person_id, entry.data_id)
            if key in delisted:
                relisted.append(delisted.pop(key))
            if key in existing:
                continue
            opened.append(
                ScreeningHit(
                    partner_id=one.partner_id,
                    person_id=one.person_id,
                    person_name=one.person_name,
                    person_role=one.person_role,
                    entry=entry,
                    entry_data_id=entry.data_id,
                    entry_reference=entry.reference_number,
                    entry_name=entry.name,
                    matched_name=match.listed.name,
                    partner_name=one.partner_name if one.person_id else match.partner_name,
                    score=Decimal(str(round(match.score, 1))),
                    explanation=match.explanation(),
                    list_date=sanctions_list.date_generated,
                )
            )
            existing.add(key)
    return _opened(opened) + hits_relist(
        hits=ScreeningHit.objects.filter(pk__in=relisted), sanctions_list=sanctions_list
    )


def _opened(hits: list[ScreeningHit]) -> list[ScreeningHit]:
    """Save the new hits; one that a concurrent screening (a list import's, another
    save's) saved first is left to it, not an error."""
    try:
        with transaction.atomic():
            return ScreeningHit.objects.bulk_create(hits)
    except IntegrityError:
        saved = []
        for hit in hits:
            try:
                with transaction.atomic():
                    ScreeningHit.objects.bulk_create([hit])
            except IntegrityError:
                same = ScreeningHit.objects.filter(
                    partner_id=hit.partner_id,
                    person_id=hit.person_id,
                    entry_data_id=hit.entry_data_id,
                )
                if not same.exists():
                    raise  # not the clash of two screenings
                continue
            saved.append(hit)
        return saved


def pair_score(
    partner_name: str, listed_name: str, weights: WordWeights, *, person: bool = False
) -> NameMatch:
    """The screening's score of one name against one listed name (its variants' best),
    without the listed name's quality: what `score_names` prints."""
    query = parse_name(partner_name)
    return max(
        (
            compare_names(query, listed, weights, person=person)
            for listed in listed_variants(listed_name)
        ),
        key=lambda match: match.score,
        default=NameMatch(score=0.0),
    )


def current_index() -> ListIndex | None:
    """The index of the list in force, None before the first import."""
    sanctions_list = SanctionsList.current()
    if sanctions_list is None:
        return None
    return _index(sanctions_list.pk, sanctions_list.imported_at)
