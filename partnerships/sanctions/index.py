"""The listed names of one list, parsed, weighed and indexed, and the search that finds
which of them a name could match.

Scoring a name against every listed name (compare_names) would cost thousands of
comparisons a name. The index finds the few worth scoring: listed names holding a word
that the name's words may pair with (the same word, one spelt alike, words written
together or apart, initials), and of those only the ones whose score could reach the
threshold. That bound is an upper bound of compare_names' score, so the search drops
nothing that scoring would keep (tests/test_name_index.py checks it against scoring
every listed name).
"""

import functools
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from partnerships.sanctions.matching import (
    JOINED_SIMILARITY,
    PERSON_EXTRA_PART_COST,
    WORD_SIMILARITY,
    WordWeights,
    could_be_acronym,
    is_generic,
    runs,
    skeleton,
    unmatched_weight,
    word_similarity,
)
from partnerships.sanctions.models import EntryKind, NameQuality, SanctionsList, SanctionsName
from partnerships.sanctions.names import ParsedName, name_variants, parse_name

QUALITY_FACTORS = {NameQuality.LOW: 0.9}
# Runs of listed words written as one word are looked up at this ratio (0-100) or above:
# compare_names pairs them from JOINED_SIMILARITY on.
_JOINED_RATIO = JOINED_SIMILARITY * 100


def listed_variants(name: str) -> list[ParsedName]:
    """A listed name as the matcher reads it: one per alternative it gives ("A/B")."""
    return [parsed for variant in name_variants(name) if (parsed := parse_name(variant)).words]


@dataclass(frozen=True)
class _QueryWord:
    """A word of the searched name: what it costs unpaired, the most a pair of it can
    weigh, and the listed names in which some word (or run of words, or qualifier) may
    pair with it."""

    cost: float
    best_pair: float
    names: frozenset[int]


@dataclass(frozen=True)
class _Run:
    """Runs of a listed name's words that a query word may pair with as one: their words,
    and the most such a pair can weigh (its listed words, a repeated one each time)."""

    words: frozenset[str]
    weight: float

    @classmethod
    def of(cls, words: tuple[str, ...], weights: WordWeights) -> "_Run":
        return cls(frozenset(words), sum(map(weights, words)))

    def merged(self, other: "_Run | None") -> "_Run":
        if other is None:
            return self
        return _Run(self.words | other.words, max(self.weight, other.weight))


@dataclass(frozen=True)
class _WordReach:
    """Where one word of a query may pair in the list."""

    listed: frozenset[str]  # the listed words alike
    runs: dict[int, _Run]  # {name: the runs it meets}
    names: frozenset[int]  # every name where it may pair (words, qualifiers, runs)
    best_pair: float  # the most a pair of it can weigh


# What `_spelt_like` looks up: {kind: (rapidfuzz ratio from which it is found, among what)}.
LOOKUPS = {
    "words": (WORD_SIMILARITY, "words"),  # a word spelt like a listed word
    "joined": (_JOINED_RATIO, "words"),  # query words written together like a listed word
    "runs": (_JOINED_RATIO, "runs"),  # a word spelt like listed words written together
}
_MOST_REMEMBERED = 500_000

# Queries of more words than this are not pruned by the words they share (2**n subsets),
# nor those that found this many names or fewer (bounding each costs less).
_MOST_WORDS_PRUNED = 8
_FEW_CANDIDATES = 24


class ListIndex:
    """The listed names of one list (`names[i]`, read as `parsed[i]`), their words'
    weights, and indexes of the names by word, by run of words written together and by
    initials."""

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
        self.individual = [row.entry.kind == EntryKind.INDIVIDUAL for row in self.names]
        self.individuals = frozenset(i for i, yes in enumerate(self.individual) if yes)
        self.quality = [QUALITY_FACTORS.get(row.quality, 1) for row in self.names]
        # Per name, for `_best_possible`: each word with its weight paired and unpaired.
        self.word_costs = [
            tuple((w, self.weights(w), unmatched_weight(w, self.weights)) for w in parsed.words)
            for parsed in self.parsed
        ]
        # Per name, the best it can score when only its generic words pair ("al", "of"):
        # those weigh GENERIC_WEIGHT at most; its other words count unpaired (a tenth for
        # a listed person, as at best).
        self.generic_bound = []
        for i, costs in enumerate(self.word_costs):
            generic = sum(weight for word, weight, _ in costs if is_generic(word))
            other = sum(unmatched for word, _, unmatched in costs if not is_generic(word))
            if self.individual[i]:
                other *= PERSON_EXTRA_PART_COST
            bound = 100 * generic / (generic + other) if generic else 0.0
            self.generic_bound.append(bound * self.quality[i])
        self.names_with_word: dict[str, set[int]] = defaultdict(set)  # name words
        self.names_near_word: dict[str, set[int]] = defaultdict(set)  # and qualifiers
        # Runs of two to four words written together ("vanderbilt"), and the initials of
        # an entity's run ("pla"): {joined: {name: its runs so written}}.
        self.runs: dict[str, dict[int, _Run]] = defaultdict(dict)
        self.initials: dict[str, dict[int, _Run]] = defaultdict(dict)
        for i, parsed in enumerate(self.parsed):
            for word in parsed.words:
                self.names_with_word[word].add(i)
                self.names_near_word[word].add(i)
            for word in parsed.qualifiers:
                self.names_near_word[word].add(i)
            for start, end, joined, initials in runs(parsed.words):
                run = _Run.of(parsed.words[start:end], self.weights)
                self.runs[joined][i] = run.merged(self.runs[joined].get(i))
                if not self.individual[i] and could_be_acronym(initials):
                    self.initials[initials][i] = run.merged(self.initials[initials].get(i))
        self.vocabulary = list(self.names_with_word)
        self.runs_of_length: dict[int, list[str]] = defaultdict(list)
        for joined in self.runs:
            self.runs_of_length[len(joined)].append(joined)
        self.words_of_length: dict[int, list[str]] = defaultdict(list)
        self.words_with_skeleton: dict[str, list[str]] = defaultdict(list)
        for word in self.vocabulary:
            self.words_of_length[len(word)].append(word)
            self.words_with_skeleton[skeleton(word)].append(word)
        self.short_words = [word for word in self.vocabulary if len(word) <= 4]
        self._spelt: dict[tuple[str, str], tuple[str, ...]] = {}  # `_spelt_like`

    def candidates(
        self, query: ParsedName, threshold: float, *, individuals_only: bool = False
    ) -> set[int]:
        """The listed names (indexes) that `query` may score `threshold` or more against:
        those with a word, run or initials that a word of the query may pair with, whose
        best possible score (`_best_possible`) reaches the threshold."""
        initials = not individuals_only  # "MAG" is not Mohammed Al Ghabra
        reach = {word: self._reach(word, initials=initials) for word in set(query.words)}
        found: set[int] = set()
        for word in reach:
            found |= self._found_through(word, threshold, initials=initials)
        # Runs of query words written as one listed word ("van der bilt" / "vanderbilt"),
        # or whose initials a listed word is ("peoples liberation army" / "pla").
        joined_pairs: dict[str, set[str]] = defaultdict(set)
        for start, end, joined, run_initials in runs(query.words):
            alike = set(self._spelt_like("joined", joined))
            if initials and could_be_acronym(run_initials) and run_initials in self.names_with_word:
                alike.add(run_initials)
            for word in query.words[start:end]:
                joined_pairs[word] |= alike
        query_words = []
        for word in query.words:
            names, best_pair = reach[word].names, reach[word].best_pair
            if alike := joined_pairs.get(word):
                more = set().union(*(self.names_with_word[listed] for listed in alike))
                found |= more
                names = names | more
                best_pair = max(best_pair, *map(self.weights, alike))
            query_words.append(_QueryWord(unmatched_weight(word, self.weights), best_pair, names))
        if len(found) > _FEW_CANDIDATES and len(query_words) <= _MOST_WORDS_PRUNED:
            found &= self._names_sharing_enough(query_words, threshold, individuals_only)
        alike = set().union(*(reach[word].listed for word in reach), *joined_pairs.values())
        through_runs: dict[int, set[str]] = defaultdict(set)
        for word in reach:
            for i, run in reach[word].runs.items():
                through_runs[i] |= run.words
        return {
            i
            for i in found
            if not (individuals_only and not self.individual[i])
            and self._best_possible(i, alike, through_runs.get(i, ()), query_words) >= threshold
        }

    @functools.lru_cache(maxsize=50_000)  # noqa: B019 (one index per list, kept by screening)
    def _reach(self, word: str, *, initials: bool) -> _WordReach:
        listed = self._listed_words_like(word)
        runs_met = self._listed_runs_like(word, initials=initials)
        names = set(runs_met)
        for other in (*listed, word):
            names |= self.names_near_word.get(other, set())
        best_pair = max(
            [self.weights(other) for other in listed] + [run.weight for run in runs_met.values()],
            default=0.0,
        )
        return _WordReach(frozenset(listed), runs_met, frozenset(names), best_pair)

    @functools.lru_cache(maxsize=50_000)  # noqa: B019
    def _found_through(self, word: str, threshold: float, *, initials: bool) -> frozenset[int]:
        """The names a query word leads to: those holding a listed word alike (of a
        generic one, only names that could reach `threshold` through such words), and
        those where it meets a run."""
        found = set(self._listed_runs_like(word, initials=initials))
        for listed in self._listed_words_like(word):
            if is_generic(listed):  # "al", "the": thousands of names
                found |= self._names_through_generic_word(listed, threshold)
            else:
                found |= self.names_with_word[listed]
        return frozenset(found)

    def _names_sharing_enough(
        self, query_words: list[_QueryWord], threshold: float, individuals_only: bool
    ) -> set[int]:
        """The names in which enough of the query's words may pair to reach the threshold.
        A name where only the query words `subset` may pair scores at most the weight of
        their best pairs against that and the cost of the other query words (a tenth of
        it for a listed person when two words or more pair): the subsets that can reach
        the threshold, each the fewest words, give the names holding all their words
        ("Ali Khan" is no candidate for each listed Ali and each listed Khan)."""
        people = self._sharing(query_words, threshold, PERSON_EXTRA_PART_COST)
        people &= self.individuals
        if individuals_only:
            return people
        return people | self._sharing(query_words, threshold, 1.0)

    def _sharing(
        self, query_words: list[_QueryWord], threshold: float, person_factor: float
    ) -> set[int]:
        costs = [query_word.cost for query_word in query_words]
        best_pairs = [query_word.best_pair for query_word in query_words]
        total_cost = sum(costs)
        fewest: list[int] = []  # the subsets found, as bit masks
        names: set[int] = set()
        for size in range(1, len(query_words) + 1):
            for subset in itertools.combinations(range(len(query_words)), size):
                mask = sum(1 << p for p in subset)
                if any(found & mask == found for found in fewest):
                    continue  # holds a smaller subset: its names are in already
                paired = sum(best_pairs[p] for p in subset)
                unpaired = total_cost - sum(costs[p] for p in subset)
                if size >= 2:
                    unpaired *= person_factor
                if paired and 100 * paired / (paired + unpaired) >= threshold:
                    fewest.append(mask)
                    names |= frozenset.intersection(*(query_words[p].names for p in subset))
        return names

    def _best_possible(
        self, i: int, alike: set[str], through_runs, query_words: list[_QueryWord]
    ) -> float:
        """The highest score listed name `i` can reach against the query: its words that
        no query word may pair with, and the query's words that pair with none of its
        words, count in full (a tenth on one side only for a listed person, as
        compare_names counts them when at least two words paired)."""
        paired = listed_unpaired = 0.0
        pairable = 0
        for word, weight, unmatched in self.word_costs[i]:
            if word in alike or word in through_runs:
                paired += weight
                pairable += 1
            else:
                listed_unpaired += unmatched
        if not paired:
            return 0.0
        query_unpaired = 0.0
        covering = 0
        for query_word in query_words:
            if i in query_word.names:
                covering += 1
            else:
                query_unpaired += query_word.cost
        extra_cost = 1.0
        if (
            self.individual[i]
            and min(pairable, covering) >= 2
            and not (listed_unpaired and query_unpaired)
        ):
            extra_cost = PERSON_EXTRA_PART_COST
        unpaired = (listed_unpaired + query_unpaired) * extra_cost
        return 100 * paired / (paired + unpaired) * self.quality[i]

    @functools.lru_cache(maxsize=10_000)  # noqa: B019 (one index per list, kept by screening)
    def _names_through_generic_word(self, word: str, threshold: float) -> frozenset[int]:
        """The names with generic `word` that could reach `threshold` were it their only
        kind of word to pair: the others are found through another word, or not at all."""
        return frozenset(
            i for i in self.names_with_word[word] if self.generic_bound[i] >= threshold
        )

    @functools.lru_cache(maxsize=50_000)  # noqa: B019
    def _listed_words_like(self, word: str) -> tuple[str, ...]:
        """Listed words that `word_similarity` pairs with `word`: the list's words near it
        in spelling, with its consonants, or one letter apart (rapidfuzz's C++ code)."""
        near = set(self._spelt_like("words", word))
        if len(word) <= 4:  # one letter apart is for short words only
            near.update(
                listed
                for listed, _distance, _index in process.extract(
                    word, self.short_words, scorer=Levenshtein.distance, score_cutoff=1, limit=None
                )
            )
        near.update(self.words_with_skeleton.get(skeleton(word), ()))
        return tuple(listed for listed in near if word_similarity(word, listed))

    def _spelt_like(self, kind: str, text: str) -> tuple[str, ...]:
        """The list's words ("words", "joined") or runs written together ("runs") whose
        rapidfuzz ratio with `text` reaches the kind's (LOOKUPS), looked up once."""
        found = self._spelt.get((kind, text))
        if found is None:
            ratio = LOOKUPS[kind][0]
            matches = process.extract(
                text,
                self._choices(kind, len(text)),
                scorer=fuzz.ratio,
                score_cutoff=ratio,
                limit=None,
            )
            found = self._remember(kind, text, [choice for choice, _score, _i in matches])
        return found

    def _remember(self, kind: str, text: str, found: list[str]) -> tuple[str, ...]:
        if len(self._spelt) >= _MOST_REMEMBERED:
            self._spelt.clear()
        found = self._spelt[kind, text] = tuple(found)
        return found

    def look_up(self, queries: Iterable[ParsedName]) -> None:
        """Look up the words and runs of many names at once, before they are searched:
        rapidfuzz's cdist compares a batch of words with the list's on every core, several
        times faster than one word at a time (a registry screened after an import)."""
        wanted: dict[tuple[str, int], set[str]] = defaultdict(set)
        for query in queries:
            for word in query.words:
                wanted["words", len(word)].add(word)
                if len(word) > 3:
                    wanted["runs", len(word)].add(word)
            for _start, _end, joined, _initials in runs(query.words):
                wanted["joined", len(joined)].add(joined)
        for (kind, length), texts in wanted.items():
            texts = sorted(text for text in texts if (kind, text) not in self._spelt)
            choices = self._choices(kind, length)
            if not texts:
                continue
            if not choices:
                for text in texts:
                    self._remember(kind, text, [])
                continue
            scores = process.cdist(
                texts,
                choices,
                scorer=fuzz.ratio,
                score_cutoff=LOOKUPS[kind][0],
                dtype=numpy.uint8,  # 0: below the cut-off
                workers=-1,
            )
            for row, text in enumerate(texts):
                self._remember(kind, text, [choices[c] for c in numpy.flatnonzero(scores[row])])

    @functools.lru_cache(maxsize=300)  # noqa: B019
    def _choices(self, kind: str, length: int) -> list[str]:
        """The list's words (or runs) that may be spelt like a text of `length` letters:
        a ratio of 80 needs lengths within a factor of 1.5 (2 * shorter / both >= 0.8)."""
        ratio, source = LOOKUPS[kind]
        factor = (200 - ratio) / ratio
        by_length = self.words_of_length if source == "words" else self.runs_of_length
        return [
            text
            for size in range(int(length / factor), int(length * factor) + 1)
            for text in by_length.get(size, ())
        ]

    @functools.lru_cache(maxsize=50_000)  # noqa: B019
    def _listed_runs_like(self, word: str, *, initials: bool) -> dict[int, "_Run"]:
        """{listed name: its runs met} for runs of listed words written as one word spelt
        like `word` ("van der bilt" for "vanderbilt"), and, for entities, runs whose
        initials `word` is."""
        found: dict[int, _Run] = {}
        matches = {word} if word in self.runs else set()
        if len(word) > 3:
            matches.update(self._spelt_like("runs", word))
        met = [self.runs[joined] for joined in matches]
        if initials:
            met.append(self.initials.get(word, {}))
        for runs_of_names in met:
            for i, run in runs_of_names.items():
                found[i] = run.merged(found.get(i))
        return found
