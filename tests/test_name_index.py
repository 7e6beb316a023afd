"""The index's search drops nothing that scoring keeps: on the real 2026 list, every
listed name that a name scores at or above the threshold against (compare_names on each
listed name) is among the candidates the index finds, for names of organisations and of
people, written with words joined or split, as initials, misspelt, shortened or
lengthened (tests/data/README.md for the list)."""

import random
from pathlib import Path

import pytest

from partnerships.sanctions import index as index_module
from partnerships.sanctions import screening
from partnerships.sanctions.importing import import_list, read_source
from partnerships.sanctions.matching import compare_names
from partnerships.sanctions.names import parse_name

LIST_2026 = Path(__file__).parent / "data" / "un-consolidated-2026-02-27.xml.gz"
# A partner's name; a key person's with one fact agreeing, and with both.
THRESHOLDS = (84, 79, 74)


@pytest.fixture
def index(db):
    sanctions_list = import_list(read_source(str(LIST_2026)), source=str(LIST_2026))
    return screening.ListIndex(sanctions_list)


def variants_of(name: str, rng: random.Random) -> list[str]:
    """A listed name as a partner might write it."""
    words = name.split()
    found = [name, f"{name} Trading", f"The {name} Foundation"]
    if len(words) >= 2:
        found.append(" ".join(words[:-1]))  # a word short
        found.append("".join(words[:2]) + " " + " ".join(words[2:]))  # two written as one
        found.append("".join(w[0] for w in words if w[:1].isalpha()))  # initials
    long_words = [i for i, w in enumerate(words) if len(w) >= 6]
    if long_words:
        i = rng.choice(long_words)
        misspelt, split = list(words), list(words)
        j = rng.randrange(1, len(words[i]) - 1)
        misspelt[i] = words[i][:j] + "x" + words[i][j + 1 :]
        split[i : i + 1] = [words[i][:3], words[i][3:]]
        found += [" ".join(misspelt), " ".join(split)]
    return found


def scores(index, query) -> list[float]:
    """The query's score against each listed name, as screening makes it."""
    return [
        compare_names(query, listed, index.weights, person=index.individual[i]).score
        * index.quality[i]
        for i, listed in enumerate(index.parsed)
    ]


def test_the_search_finds_every_name_that_scores_the_threshold(index, monkeypatch):
    # Every search pruned by the words it shares, however few names it found.
    monkeypatch.setattr(index_module, "_FEW_CANDIDATES", 0)
    rng = random.Random(56)
    listed = sorted({name.name for name in index.names})
    queries = [
        "ASB",  # initials of AFGHAN SERVICE BUREAU
        "Harakat Ul-Ansar",  # whose initials are listed (HUA)
        "Al Haramain Islamic Foundation",
        "Vanderbilt Shipping",
        "Mohammed Ali Khan",
        "Ahmed Hassan",
        "Islamik Statte",
        "Mostafakamelmostafa Ibrahim",  # a listed run with a word twice, written as one
        "Alshabaabal Trading",
    ]
    for name in rng.sample(listed, 12):
        queries += variants_of(name, rng)
    checked = 0
    for text in queries:
        query = parse_name(text)
        if not query.words:
            continue
        scored = scores(index, query)
        for threshold in THRESHOLDS:
            for individuals_only in (False, True):
                expected = {
                    i
                    for i, score in enumerate(scored)
                    if score >= threshold and (index.individual[i] or not individuals_only)
                }
                found = index.candidates(query, threshold, individuals_only=individuals_only)
                missed = {index.names[i].name for i in expected - found}
                assert not missed, f"{text!r} at {threshold}: {missed}"
                checked += len(expected)
    assert checked > 100  # the queries do meet listed names


def test_the_search_leaves_out_names_that_share_a_common_given_name_only(index):
    # "Ahmed Khan" is no candidate of every listed Ahmed: scoring them all is the cost.
    query = parse_name("Ahmed Diallo")
    ahmeds = {i for i in index.individuals if "ahmed" in index.parsed[i].words}
    assert len(ahmeds) > 20
    assert len(index.candidates(query, 74, individuals_only=True)) < len(ahmeds) / 4


def test_words_looked_up_at_once_are_those_looked_up_one_by_one(index):
    rng = random.Random(3)
    listed = sorted({name.name for name in index.names})
    queries = [
        parse_name(text) for name in rng.sample(listed, 40) for text in variants_of(name, rng)
    ]
    queries += [parse_name("Vanderbilt Shipping"), parse_name("Mohammed Ali Khan")]
    one_by_one = screening.ListIndex(index.sanctions_list)
    index.look_up(queries)
    assert len(index._spelt) > 200
    for (kind, text), found in index._spelt.items():
        assert set(found) == set(one_by_one._spelt_like(kind, text)), (kind, text)


def test_a_registry_screened_at_once_has_its_words_looked_up_first(index, monkeypatch):
    from partnerships.partners.models import KeyPerson, Partner
    from partnerships.sanctions.models import ScreeningHit

    monkeypatch.setattr(screening, "LOOKED_UP_AT_ONCE_FROM", 2)
    monkeypatch.setattr(screening, "current_index", lambda: index)
    looked_up = []
    monkeypatch.setattr(index, "look_up", lambda queries: looked_up.extend(queries))
    charity, farmers = Partner.objects.bulk_create(  # bulk: not screened on creation
        [
            Partner(legal_name="Al-Haramain Islamic Foundation", partner_type="ngo", country="SA"),
            Partner(legal_name="Lake Kivu Farmers", partner_type="ngo", country="CD"),
        ]
    )
    KeyPerson.objects.create(partner=farmers, name="Germain Katanga", role="board")
    screening.screen_partners([charity, farmers])
    assert {query.key for query in looked_up} >= {
        "al foundation haramain islamic",
        "germain katanga",
    }
    assert set(ScreeningHit.objects.values_list("partner__legal_name", "entry_reference")) >= {
        ("Al-Haramain Islamic Foundation", "QDe.104"), ("Lake Kivu Farmers", "CDi.006"),
    }  # fmt: skip
