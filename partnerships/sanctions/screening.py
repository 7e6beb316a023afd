"""Screening partners against the list in force (matching.py says how names are scored).

A partner's legal name and other names are compared with every listed name (primary,
original script, aliases; a field "A/B" gives both); its key people's names with every
listed individual's, a date of birth or nationality that agrees with the listed one
raising the score, one that contradicts it lowering it. Weak ("Low" quality) aliases
count less. A score at or above SANCTIONS_MATCH_THRESHOLD opens a hit for a person to
clear or confirm, with how the score was made; a hit already decided keeps its decision.
"""

import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from partnerships.partners.models import KeyPerson, Partner
from partnerships.sanctions.matching import (
    PERSON_EXTRA_PART_COST,
    WORD_SIMILARITY,
    NameMatch,
    WordWeights,
    compare_names,
    is_generic,
    runs,
    skeleton,
    unmatched_weight,
    word_similarity,
)
from partnerships.sanctions.models import (
    EntryKind,
    NameQuality,
    SanctionsList,
    SanctionsName,
    ScreeningHit,
)
from partnerships.sanctions.names import ParsedName, name_variants, parse_name
from partnerships.sanctions.services import hits_relist

QUALITY_FACTORS = {NameQuality.LOW: 0.9}
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


def person_evidence(person: KeyPerson, entry) -> list[list]:
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
        agrees = person.nationality.code in entry.nationalities
        evidence.append(
            [
                "nationality",
                person.nationality.code,
                ", ".join(entry.nationalities),
                NATIONALITY_AGREES if agrees else -NATIONALITY_DIFFERS,
            ]
        )
    return evidence


def listed_variants(name: str) -> list[ParsedName]:
    """A listed name as the matcher reads it: one per alternative it gives ("A/B")."""
    return [parsed for variant in name_variants(name) if (parsed := parse_name(variant)).words]


class ListIndex:
    """The listed names of one list, parsed, with their words' weights and an index of
    the names by word, ready to be searched."""

    def __init__(self, sanctions_list: SanctionsList):
        self.sanctions_list = sanctions_list
        rows = (
            SanctionsName.objects.filter(entry__sanctions_list=sanctions_list)
            .select_related("entry")
            .only(
                "name",
                "quality",
                "entry__kind",
                "entry__data_id",
                "entry__name",
                "entry__reference_number",
                "entry__birth_dates",
                "entry__nationalities",
            )
        )
        self.names: list[SanctionsName] = []
        self.parsed: list[ParsedName] = []
        for row in rows:
            for parsed in listed_variants(row.name):
                self.names.append(row)
                self.parsed.append(parsed)
        self.weights = WordWeights.from_names(self.parsed)
        # Per name, for `_best_possible`: each word's weight paired and unpaired, and what
        # its unpaired words count and its score is worth (a person's, a weak alias).
        self.word_costs = [
            tuple((w, self.weights(w), unmatched_weight(w, self.weights)) for w in parsed.words)
            for parsed in self.parsed
        ]
        self.word_sets = [frozenset(parsed.words) for parsed in self.parsed]
        self.factors = [
            (
                PERSON_EXTRA_PART_COST if row.entry.kind == EntryKind.INDIVIDUAL else 1.0,
                QUALITY_FACTORS.get(row.quality, 1),
            )
            for row in self.names
        ]
        self.keys = [parsed.key for parsed in self.parsed]
        self.names_with_word: dict[str, list[int]] = defaultdict(list)
        for index, parsed in enumerate(self.parsed):
            for word in set(parsed.words):
                self.names_with_word[word].append(index)
        self.vocabulary = list(self.names_with_word)
        # The same for listed individuals only: what a key person is compared with.
        self.individuals_with_word = {
            word: [i for i in names if self.names[i].entry.kind == EntryKind.INDIVIDUAL]
            for word, names in self.names_with_word.items()
        }
        self.short_words = [word for word in self.vocabulary if len(word) <= 4]
        self.words_with_skeleton: dict[str, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            self.words_with_skeleton[skeleton(word)].append(word)

    @functools.lru_cache(maxsize=50_000)  # noqa: B019 (one index per list, kept by _index)
    def _listed_words_like(self, word: str) -> tuple[str, ...]:
        """Listed words that `word_similarity` pairs with `word`: the list's words near it
        in spelling, with its consonants, or one letter apart (rapidfuzz's C++ code)."""
        near = {
            listed
            for listed, _score, _index in process.extract(
                word,
                self._words_of_length_near(len(word)),
                scorer=fuzz.ratio,
                score_cutoff=WORD_SIMILARITY,
                limit=None,
            )
        }
        if len(word) <= 4:  # one letter apart is for short words only
            near.update(
                listed
                for listed, _distance, _index in process.extract(
                    word, self.short_words, scorer=Levenshtein.distance, score_cutoff=1, limit=None
                )
            )
        near.update(self.words_with_skeleton.get(skeleton(word), ()))
        return tuple(listed for listed in near if word_similarity(word, listed))

    @functools.lru_cache(maxsize=100)  # noqa: B019
    def _words_of_length_near(self, length: int) -> list[str]:
        """The list's words that may be spelt like a word of `length` letters: a ratio
        of 80 needs lengths within a factor of 1.5 (2 * shorter / both >= 0.8)."""
        factor = (200 - WORD_SIMILARITY) / WORD_SIMILARITY
        return [word for word in self.vocabulary if length / factor <= len(word) <= length * factor]

    @functools.lru_cache(maxsize=50_000)  # noqa: B019
    def _listed_words_within(self, word: str) -> tuple[str, ...]:
        """Listed words found inside `word`: a run written as one word ("vanderbilt")."""
        return tuple(listed for listed in self.vocabulary if len(listed) >= 2 and listed in word)

    def _candidates(
        self, query: ParsedName, threshold: float, *, individuals_only: bool = False
    ) -> set[int]:
        """Listed names worth scoring: those whose whole name is spelt alike (words
        written together or apart), and those sharing a distinctive word with the query,
        or a word spelt alike, that could reach the threshold: the weight of their words
        that no word of the query is like bounds their score from above (initials
        aside: an acronym alone is met only by a name spelt alike)."""
        like = {word: self._listed_words_like(word) for word in set(query.words)}
        # Per query word, every listed word it may pair with, alone or in a run written
        # as one word on either side ("van der bilt", "vanderbilt").
        meets = {word: set(like[word]) | set(self._listed_words_within(word)) for word in like}
        for start, end, joined, _initials in runs(query.words):
            for word in query.words[start:end]:
                meets[word].update(self._listed_words_like(joined))
        distinctive = [word for word in like if not is_generic(word)] or list(like)
        postings = self.individuals_with_word if individuals_only else self.names_with_word
        found: set[int] = set()
        for word in distinctive:
            for listed in meets[word]:  # spelt alike, or written together or apart
                found.update(postings[listed])
        query_costs = [
            (word, meets[word], unmatched_weight(word, self.weights)) for word in query.words
        ]
        alike = set().union(*meets.values())
        found = {
            index for index in found if self._best_possible(index, alike, query_costs) >= threshold
        }
        for _key, _score, index in process.extract(
            query.key, self.keys, scorer=fuzz.ratio, score_cutoff=WORD_SIMILARITY, limit=None
        ):
            found.add(index)
        if individuals_only:
            found = {
                index for index in found if self.names[index].entry.kind == EntryKind.INDIVIDUAL
            }
        return found

    def _best_possible(self, index: int, alike: set[str], query_costs: list) -> float:
        """The highest score listed name `index` can reach against the query: its words
        that no query word may pair with, and the query's words that pair with none of
        its words, count in full (a tenth on one side only, for a listed person)."""
        paired = listed_unpaired = 0.0
        for word, weight, unmatched in self.word_costs[index]:
            if word in alike:
                paired += weight
            else:
                listed_unpaired += unmatched
        if not paired:
            return 0.0
        words = self.word_sets[index] | set(self.parsed[index].qualifiers)
        query_unpaired = sum(
            cost for word, near, cost in query_costs if not near & words and word not in words
        )
        extra_cost, quality = self.factors[index]
        if listed_unpaired and query_unpaired:
            extra_cost = 1.0  # both sides have words of their own: no discount
        unpaired = (listed_unpaired + query_unpaired) * extra_cost
        return 100 * paired / (paired + unpaired) * quality

    def best_matches(
        self, partner_names: list[str], threshold: float, *, person: KeyPerson | None = None
    ) -> dict[int, Match]:
        """{entry id: its best match} at or above the threshold. For a key `person`, the
        listed individuals only, and the evidence of their date of birth and nationality."""
        best: dict[int, Match] = {}
        # What a person's date of birth and nationality may add, at best.
        bonus = (BIRTH_AGREES if person and person.date_of_birth else 0) + (
            NATIONALITY_AGREES if person and person.nationality else 0
        )
        for partner_name in partner_names:
            query = parse_name(partner_name)
            if not query.words:
                continue
            for index in self._candidates(
                query, threshold - bonus, individuals_only=person is not None
            ):
                listed = self.names[index]
                individual = listed.entry.kind == EntryKind.INDIVIDUAL
                name_match = compare_names(
                    query, self.parsed[index], self.weights, person=individual
                )
                score = name_match.score * QUALITY_FACTORS.get(listed.quality, 1)
                if score + bonus < threshold:
                    continue
                evidence = person_evidence(person, listed.entry) if person else []
                if evidence:
                    score += sum(points for *_facts, points in evidence)
                    score = max(0.0, min(score, 100.0 if name_match.same_name else 99.9))
                if score >= threshold and score > getattr(best.get(listed.entry_id), "score", 0):
                    best[listed.entry_id] = Match(score, listed, partner_name, name_match, evidence)
        return best


@functools.lru_cache(maxsize=2)
def _index(list_id: int, imported_at) -> ListIndex:
    # A list never changes once imported (a re-import is a new list): safe to keep.
    return ListIndex(SanctionsList.objects.get(pk=list_id))


def partner_names(partner: Partner) -> list[str]:
    return [partner.legal_name, *partner.other_names_list]


def screen_partners(partners: Iterable[Partner] | None = None) -> list[ScreeningHit]:
    """Screen partners (all by default) and their key people against the list in force;
    the hits opened, and those on an entry listed again after it had been removed
    (reopened)."""
    index = current_index()
    if index is None:
        return []
    sanctions_list = index.sanctions_list
    threshold = settings.SANCTIONS_MATCH_THRESHOLD
    everyone = partners is None
    partners = list(Partner.objects.all() if everyone else partners)
    # Read afresh (one query): a partner object may hold a stale prefetched list.
    people = defaultdict(list)
    key_people = KeyPerson.objects.all()
    if not everyone:
        key_people = key_people.filter(partner__in=[p.pk for p in partners])
    for person in key_people:
        people[person.partner_id].append(person)
    hits = ScreeningHit.objects.all()
    if not everyone:
        hits = hits.filter(partner__in=[p.pk for p in partners])
    existing, delisted = set(), {}
    for pk, partner_id, person_name, data_id, delisted_at in hits.values_list(
        "pk", "partner_id", "person_name", "entry_data_id", "delisted_at"
    ):
        existing.add((partner_id, person_name, data_id))
        if delisted_at is not None:
            delisted[partner_id, person_name, data_id] = pk
    opened, relisted = [], []
    for partner in partners:
        screened = [(None, index.best_matches(partner_names(partner), threshold))]
        screened += [
            (person, index.best_matches([person.name], threshold, person=person))
            for person in people[partner.pk]
        ]
        for person, matches in screened:
            person_name = person.name if person else ""
            for match in matches.values():
                entry = match.listed.entry
                key = (partner.pk, person_name, entry.data_id)
                if key in delisted:
                    relisted.append(delisted.pop(key))
                if key in existing:
                    continue
                opened.append(
                    ScreeningHit(
                        partner=partner,
                        person=person,
                        person_name=person_name,
                        person_role=person.role if person else "",
                        entry=entry,
                        entry_data_id=entry.data_id,
                        entry_reference=entry.reference_number,
                        entry_name=entry.name,
                        matched_name=match.listed.name,
                        partner_name=partner.legal_name if person else match.partner_name,
                        score=Decimal(str(round(match.score, 1))),
                        explanation=match.explanation(),
                        list_date=sanctions_list.date_generated,
                    )
                )
                existing.add(key)
    return ScreeningHit.objects.bulk_create(opened) + hits_relist(
        hits=ScreeningHit.objects.filter(pk__in=relisted), sanctions_list=sanctions_list
    )


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
