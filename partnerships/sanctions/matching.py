"""How close two names are: a score from 0 to 100 that says how much of what is
distinctive in them matches, and why.

100 means the same name after normalisation (names.py). Otherwise the words of the two
names are paired (same word, a spelling or transliteration variant, or words written
together or apart: "Vanderbilt" and "van der Bilt"), and the score is the share of the
two names' weight that the pairs carry. A word weighs by how rare it is among the listed
names (inverse document frequency: "haramain" weighs much, "al" little); words that
name a kind of body or a country (foundation, trading, bank, international, Korea…)
weigh little whatever the list says. So a partner name that holds only part of a listed
name, or the reverse, scores by the weight of what is missing: "Academy of Natural
Sciences of Drexel University" is far from "ACADEMY OF NATURAL SCIENCES", and "Al-Haramain
Islamic Foundation" close to "AL-HARAMAIN: ALBANIA BRANCH". Qualifiers (names.py) never
count against a match; a partner word that meets one is set aside as matched qualifier.

People's names are compared the same way, except that name parts present on one side
only (a middle name, a patronymic) cost less when every part of the other name matched.
"""

import functools
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from django_countries import countries
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from partnerships.sanctions.names import ParsedName, words_of

# Words that say what kind of body, or where, rather than which one.
GENERIC_WORDS = frozenset(
    """
    a an and the of for in on at to by with de des du la le les el al ul bin ibn bint
    abu und der die das von van da di do dos y e et academy agency aid alliance
    association authority bank banking board brigade bureau business capital center
    centre charitable charity club college commerce commercial committee community
    construction consulting council cultural department development division education
    educational energy engineering enterprise enterprises export exports federation
    finance financial foundation fund general global group holding holdings humanitarian
    import imports independent industrial industries industry institute institution
    international investment investments islamic management manufacturing marine
    maritime media ministry movement mutual national network office organisation
    organization partners project relief research resources science sciences service
    services shipping society solutions state support systems technical technologies
    technology trade trading transport travel trust union united university world youth
    mv line lines airline airlines africa america americas asia europe middle east west
    north south central i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xx
    """.split()  # noqa: SIM905 (a list of words, read as words)
)
GENERIC_WEIGHT = 1.0
# A partner word at least this close to a listed word (rapidfuzz ratio, 0-100) pairs with it.
WORD_SIMILARITY = 80
# Short words (three letters or fewer) that spelling distance cannot compare are variants
# when they share their consonants ("bin" and "ibn"); such a pair counts this much.
SKELETON_SIMILARITY = 0.9
SHORT_WORD_SIMILARITY = 0.8
# Initials on one side of several words on the other ("PLA", "People's Liberation Army").
ACRONYM_SIMILARITY = 0.9
# Words written together on one side and apart on the other, spelt a little differently.
JOINED_SIMILARITY = 0.9
# Long words with the same consonants are transliterations ("Usama" and "Osama").
LONG_SKELETON_SIMILARITY = 0.85
# A country named on one side only, or two different countries: two different bodies
# ("Bowne Global Solutions Japan" and "… (Ireland)"). Such a word weighs this much.
COUNTRY_MISMATCH_WEIGHT = 3.0
# Name parts of a person present on one side only, when the other side matched in full.
PERSON_EXTRA_PART_COST = 0.1
_VOWELS = str.maketrans("", "", "aeiouy")


@functools.cache
def _country_words() -> frozenset[str]:
    return frozenset(word for _code, name in countries for word in words_of(name))


def is_generic(word: str) -> bool:
    return word in GENERIC_WORDS or word in _country_words() or word.isdigit()


class WordWeights:
    """Each word's weight: its inverse document frequency among the listed names, no
    more than GENERIC_WEIGHT for a generic word."""

    def __init__(self, document_frequency: Counter, documents: int):
        self.document_frequency = document_frequency
        self.documents = documents
        self._known: dict[str, float] = {}

    @classmethod
    def from_names(cls, names: Iterable[ParsedName]) -> "WordWeights":
        frequency, documents = Counter(), 0
        for name in names:
            frequency.update(set(name.words))
            documents += 1
        return cls(frequency, documents)

    def __call__(self, word: str) -> float:
        if (known := self._known.get(word)) is not None:
            return known
        idf = math.log((self.documents + 1) / (self.document_frequency.get(word, 0) + 1)) + 1
        weight = self._known[word] = min(idf, GENERIC_WEIGHT) if is_generic(word) else idf
        return weight


@dataclass
class WordPair:
    partner: str  # the partner's word (or words written together, joined by a space)
    listed: str
    similarity: float  # 1.0: the same word


@dataclass
class NameMatch:
    """The score of a partner name against a listed name, and how it was made."""

    score: float
    same_name: bool = False
    pairs: list[WordPair] = field(default_factory=list)
    partner_only: list[str] = field(default_factory=list)  # words of the partner's name only
    listed_only: list[str] = field(default_factory=list)
    qualifiers: list[str] = field(default_factory=list)  # partner words met in a qualifier
    matched_weight: float = 0.0
    total_weight: float = 0.0

    def as_dict(self) -> dict:
        """What the hit keeps to explain itself (JSON)."""
        return {
            "same_name": self.same_name,
            "pairs": [[p.partner, p.listed, round(p.similarity, 2)] for p in self.pairs],
            "partner_only": self.partner_only,
            "listed_only": self.listed_only,
            "qualifiers": self.qualifiers,
            "matched_weight": round(self.matched_weight, 2),
            "total_weight": round(self.total_weight, 2),
        }


@functools.lru_cache(maxsize=100_000)
def skeleton(word: str) -> str:
    return word.translate(_VOWELS)


@functools.lru_cache(maxsize=500_000)  # names share their words: most pairs come back
def word_similarity(a: str, b: str) -> float:
    """1.0 for the same word; a spelling or transliteration variant scores below; 0 for
    different words. Short words (three letters or fewer) must be the same or share
    their consonants."""
    if a == b:
        return 1.0
    if min(len(a), len(b)) > 3:
        ratio = fuzz.ratio(a, b) / 100
        if skeleton(a) == skeleton(b):
            ratio = max(ratio, LONG_SKELETON_SIMILARITY)
        return ratio if ratio * 100 >= WORD_SIMILARITY else 0.0
    consonants = skeleton(a)  # short words: "bin" and "ibn"
    if len(consonants) >= 2 and consonants == skeleton(b):
        return SKELETON_SIMILARITY
    if min(len(a), len(b)) >= 2 and Levenshtein.distance(a, b) == 1:  # "al" and "xal"
        return SHORT_WORD_SIMILARITY
    return 0.0


def _pair_weight(listed_words: str, weight: WordWeights) -> float:
    """A pair weighs what its listed words weigh: the list knows them (a partner's
    misspelt word would weigh as a word never seen)."""
    return sum(weight(word) for word in listed_words.split())


def could_be_acronym(initials: str) -> bool:
    """Initials of a run that a word equal to them stands for: three letters or more
    ("al" is no acronym of "Ali Lalobo"), not a word of its own kind ("aid")."""
    return len(initials) >= 3 and initials.isalpha() and not is_generic(initials)


def unmatched_weight(word: str, weight: WordWeights) -> float:
    return COUNTRY_MISMATCH_WEIGHT if word in _country_words() else weight(word)


@functools.lru_cache(maxsize=50_000)  # a listed name's runs serve every partner
def runs(words: tuple[str, ...]) -> tuple[tuple[int, int, str, str], ...]:
    """(start, end, the words written together, their initials) of each run of two to
    four words."""
    return tuple(
        (
            j,
            j + length,
            "".join(words[j : j + length]),
            "".join(w[0] for w in words[j : j + length]),
        )
        for length in (2, 3, 4)
        for j in range(len(words) - length + 1)
    )


def _joined_pairs(
    partner: tuple[str, ...], listed: tuple[str, ...], *, initials_count: bool = True
) -> list[tuple[float, int, int, int, int]]:
    """(similarity, partner start, partner end, listed start, listed end) of runs of two
    to four words on one side written as one word on the other ("vanderbilt" / "van der
    bilt", "andrang heta" / "ndrangheta"), or as its initials ("pla" / "peoples
    liberation army")."""
    found = []
    for one, other, flip in ((partner, listed, False), (listed, partner, True)):
        for start, end, joined, initials in runs(other):
            run = other[start:end]
            for i, word in enumerate(one):
                if initials_count and word == initials and could_be_acronym(word):
                    similarity = ACRONYM_SIMILARITY
                elif abs(len(joined) - len(word)) > len(word) / 4:
                    continue  # too long or short to be alike
                elif (similarity := word_similarity(word, joined)) < 1 and not (
                    similarity >= JOINED_SIMILARITY
                    and all(len(part) >= 3 and not is_generic(part) for part in run)
                ):
                    continue  # "partners v" is not "partners"
                spans = (start, end, i, i + 1) if flip else (i, i + 1, start, end)
                found.append((similarity, *spans))
    return sorted(found, reverse=True)


def compare_names(
    partner: ParsedName, listed: ParsedName, weight: WordWeights, *, person: bool = False
) -> NameMatch:
    """How close `partner` is to `listed` (see the module's docstring)."""
    if not partner.words or not listed.words:
        return NameMatch(score=0.0)
    # Two names qualified differently ("(Spain)" and "(Netherlands)") name two bodies.
    conflicting = bool(
        partner.qualifiers
        and listed.qualifiers
        and not set(partner.qualifiers) & set(listed.qualifiers)
    )
    if partner.key == listed.key and not conflicting:
        return NameMatch(
            score=100.0, same_name=True, pairs=[WordPair(w, w, 1.0) for w in partner.words]
        )
    p_words, l_words = partner.words, listed.words
    p_used, l_used = [False] * len(p_words), [False] * len(l_words)
    pairs: list[WordPair] = []
    matched = 0.0
    # Words written together on one side first: they are exact.
    for similarity, p_start, p_end, l_start, l_end in _joined_pairs(
        p_words,
        l_words,
        initials_count=not person,  # "MAG" is not Mohammed Al Ghabra
    ):
        if any(p_used[p_start:p_end]) or any(l_used[l_start:l_end]):
            continue
        p_text, l_text = " ".join(p_words[p_start:p_end]), " ".join(l_words[l_start:l_end])
        p_used[p_start:p_end] = [True] * (p_end - p_start)
        l_used[l_start:l_end] = [True] * (l_end - l_start)
        pairs.append(WordPair(p_text, l_text, similarity))
        matched += similarity * _pair_weight(l_text, weight)
    # Then the closest pairs of single words, the heaviest first among equals.
    candidates = []
    for i, p_word in enumerate(p_words):
        if p_used[i]:
            continue
        for j, l_word in enumerate(l_words):
            if not l_used[j] and (similarity := word_similarity(p_word, l_word)):
                candidates.append((similarity, _pair_weight(l_word, weight), i, j))
    for similarity, pair_weight, i, j in sorted(candidates, reverse=True):
        if p_used[i] or l_used[j]:
            continue
        p_used[i] = l_used[j] = True
        pairs.append(WordPair(p_words[i], l_words[j], similarity))
        matched += similarity * pair_weight
    paired_weight = sum(_pair_weight(pair.listed, weight) for pair in pairs)
    partner_only = [w for w, used in zip(p_words, p_used, strict=True) if not used]
    qualifiers = [w for w in partner_only if w in listed.qualifiers]
    partner_only = [w for w in partner_only if w not in listed.qualifiers]
    listed_only = [w for w, used in zip(l_words, l_used, strict=True) if not used]
    if conflicting:
        partner_only += [w for w in partner.qualifiers if w not in listed.words]
        listed_only += list(listed.qualifiers)
    extra_p = sum(unmatched_weight(w, weight) for w in partner_only)
    extra_l = sum(unmatched_weight(w, weight) for w in listed_only)
    if person and len(pairs) >= 2 and not (partner_only and listed_only):
        extra_p, extra_l = extra_p * PERSON_EXTRA_PART_COST, extra_l * PERSON_EXTRA_PART_COST
    total = paired_weight + extra_p + extra_l
    score = 100 * matched / total if total else 0.0
    return NameMatch(
        score=min(score, 99.9),  # 100 is kept for the same name
        pairs=pairs,
        partner_only=partner_only,
        listed_only=listed_only,
        qualifiers=qualifiers,
        matched_weight=matched,
        total_weight=total,
    )
