"""Screening partners against the list in force: normalised names scored by rapidfuzz.

A partner's legal name and other names are compared with every listed name (primary,
original script, aliases). Weak ("Low" quality) aliases count less. A score at or above
SANCTIONS_MATCH_THRESHOLD opens a hit for a person to clear or confirm; a hit already
decided keeps its decision.
"""

import functools
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from rapidfuzz import fuzz, process

from partnerships.partners.models import Partner
from partnerships.sanctions.models import (
    NameQuality,
    SanctionsList,
    SanctionsName,
    ScreeningHit,
)
from partnerships.sanctions.names import normalize

WEIGHTS = {NameQuality.LOW: 0.9}


class ListIndex:
    """The listed names of one list, normalised, ready to be searched."""

    def __init__(self, sanctions_list: SanctionsList):
        self.sanctions_list = sanctions_list
        rows = list(
            SanctionsName.objects.filter(entry__sanctions_list=sanctions_list)
            .select_related("entry")
            .only("name", "quality", "normalized", "entry")
        )
        self.names = rows
        self.choices = [row.normalized for row in rows]
        self.word_sets = [frozenset(choice.split()) for choice in self.choices]
        self.names_with_word: dict[str, list[int]] = defaultdict(list)
        for index, words in enumerate(self.word_sets):
            for word in words:
                self.names_with_word[word].append(index)

    def _candidates(self, query: str, cutoff: float):
        """(raw score, index) of listed names close to `query`.

        Two passes, both in rapidfuzz's C++ code: the whole names compared (spelling,
        transliteration), and names one of which holds every word of the other ("Al-Rashid
        Trust Foundation" and "AL-RASHID TRUST") when at least two words are shared.
        """
        for _choice, score, index in process.extract(
            query, self.choices, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
        ):
            yield score, index
        words = frozenset(query.split())
        if len(words) < 2:
            return
        shared = Counter()
        for word in words:  # names sharing words with the query, from an index of words
            shared.update(self.names_with_word.get(word, ()))
        for index, count in shared.items():
            listed = self.word_sets[index]
            if count >= 2 and (words <= listed or listed <= words):
                yield 100.0, index

    def best_matches(self, partner_names: list[str], threshold: float) -> dict[int, tuple]:
        """{entry id: (score, listed name row, partner name)} at or above the threshold."""
        best: dict[int, tuple] = {}
        cutoff = threshold * min(WEIGHTS.values(), default=1)
        for partner_name in partner_names:
            query = normalize(partner_name)
            if not query:
                continue
            for raw, index in self._candidates(query, cutoff):
                listed = self.names[index]
                score = raw * WEIGHTS.get(listed.quality, 1)
                if score >= threshold and score > best.get(listed.entry_id, (0,))[0]:
                    best[listed.entry_id] = (score, listed, partner_name)
        return best


@functools.lru_cache(maxsize=2)
def _index(list_id: int, imported_at) -> ListIndex:
    # A list never changes once imported (a re-import is a new list): safe to keep.
    return ListIndex(SanctionsList.objects.get(pk=list_id))


def partner_names(partner: Partner) -> list[str]:
    return [partner.legal_name, *partner.other_names_list]


def screen_partners(partners: Iterable[Partner] | None = None) -> list[ScreeningHit]:
    """Screen partners (all by default) against the list in force; the hits opened."""
    sanctions_list = SanctionsList.current()
    if sanctions_list is None:
        return []
    index = _index(sanctions_list.pk, sanctions_list.imported_at)
    threshold = settings.SANCTIONS_MATCH_THRESHOLD
    partners = list(Partner.objects.all() if partners is None else partners)
    existing = set(
        ScreeningHit.objects.filter(partner__in=[p.pk for p in partners]).values_list(
            "partner_id", "entry_data_id"
        )
    )
    opened = []
    for partner in partners:
        for score, listed, name in index.best_matches(partner_names(partner), threshold).values():
            entry = listed.entry
            if (partner.pk, entry.data_id) in existing:
                continue
            opened.append(
                ScreeningHit(
                    partner=partner,
                    entry=entry,
                    entry_data_id=entry.data_id,
                    entry_reference=entry.reference_number,
                    entry_name=entry.name,
                    matched_name=listed.name,
                    partner_name=name,
                    score=Decimal(str(round(score, 1))),
                    list_date=sanctions_list.date_generated,
                )
            )
            existing.add((partner.pk, entry.data_id))
    return ScreeningHit.objects.bulk_create(opened)
