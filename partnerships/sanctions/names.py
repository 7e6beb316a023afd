"""Names made comparable: transliterated, case-folded, without punctuation or legal-form
words, split into the name's own words and its qualifiers.

"Société Générale S.A." reads `societe generale`; "AL-HARAMAIN FOUNDATION (PAKISTAN)"
reads `al haramain foundation` qualified by `pakistan`, and "AL-HARAMAIN: ALBANIA BRANCH"
reads `al haramain` qualified by `albania branch`: a country, a branch or an acronym says
which one of its kind the named body is, not what it is called.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz

# Legal-form words, as they read once punctuation is gone and initials joined
# ("S.A." -> "sa", "L.L.C." -> "llc"); "Limited Liability Company" is three of them.
LEGAL_FORMS = frozenset(
    """
    ltd limited liability llc llp lp plc inc incorporated corp corporation co company
    cie gmbh mbh ag aktiengesellschaft gesellschaft kg kgaa ohg ug sa sas sarl sl srl
    spa sapa bv nv oy ab as asa aps pte pvt private pty jsc ojsc pjsc cjsc ooo oao zao
    pao tov fze fzco fzllc sdn bhd tbk kk na
    """.split()  # noqa: SIM905 (a list of words, read as words)
)
_LONG_LEGAL_FORMS = [form for form in LEGAL_FORMS if len(form) >= 6]

# Legal forms written out in several words, removed before the name is split into words.
LEGAL_FORM_PHRASES = re.compile(
    r"\b(?:(?:open |closed |private |public )?jo[iy]nt[ -]?stock(?: compan\w*)?"
    r"|public limited compan\w*|limited liability compan\w*"
    r"|societatea cu raspundere limitata|sp z o ?o)\b"
)
# Initials written with dots: "A.B.C.", "L.P.", "U.S." -> "abc", "lp", "us".
_DOTTED_INITIALS = re.compile(r"\b(?:\w\.){2,}")
ABBREVIATIONS = {
    "intl": "international",
    "us": "united states",
    "usa": "united states",
    "uk": "united kingdom",
    "uae": "united arab emirates",
}
# Numbers written out become figures: "Forty-Four" and "44", "First" and "1st" meet.
_UNITS = "one two three four five six seven eight nine".split()  # noqa: SIM905
_TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()  # noqa: SIM905
_ORDINALS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()  # noqa: SIM905
NUMBER_WORDS = {
    **{word: n for n, word in enumerate(_UNITS, 1)},
    **{word: n for n, word in enumerate(_TEENS.split(), 10)},
    **{word: n for n, word in enumerate(_TENS, 2) for n in [n * 10]},
    **{word: n for n, word in enumerate(_ORDINALS, 1)},
}
_ORDINAL_FIGURE = re.compile(r"^(\d+)(?:st|nd|rd|th)$")

# Text in brackets, or after a colon, qualifies the name before it.
_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]?")
# Apostrophes inside a word join it ("Qa'ida", "People’s"; anyascii makes ’ a '), but
# not an elided article or preposition ("d'Import", "l'Est").
_ELISION = re.compile(r"\b([dlj])'(?=\w)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_NOT_A_LETTER = re.compile(r"[^\w\s]|_")


@dataclass(frozen=True)
class ParsedName:
    """A name as the matcher reads it."""

    words: tuple[str, ...]  # the name's own words, in their order
    qualifiers: tuple[str, ...]  # words of the qualifiers (brackets, after a colon)

    @property
    def key(self) -> str:
        """The same for two names that are the same after normalisation (any order)."""
        return " ".join(sorted(self.words))


def _join_initials(tokens: list[str]) -> list[str]:
    """Runs of single letters become one word: ["s", "a"] -> ["sa"]."""
    words: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and token.isalpha():
            run += token
            continue
        if run:
            words.append(run)
            run = ""
        words.append(token)
    if run:
        words.append(run)
    return words


def _figures(words: list[str]) -> list[str]:
    """Number words as figures, a ten and a unit as one ("forty four" -> "44")."""
    result: list[str] = []
    for word in words:
        if match := _ORDINAL_FIGURE.match(word):
            word = match.group(1)
        elif word in NUMBER_WORDS:
            word = str(NUMBER_WORDS[word])
        if word.isdigit() and len(word) == 1 and result and re.fullmatch(r"[2-9]0", result[-1]):
            result[-1] = result[-1][0] + word
            continue
        result.append(word)
    return result


def words_of(text: str) -> list[str]:
    """The comparable words of `text`, legal forms dropped (unless nothing else is left)."""
    text = anyascii(unicodedata.normalize("NFKC", text)).casefold()
    text = _DOTTED_INITIALS.sub(lambda match: match.group(0).replace(".", "") + " ", text)
    text = _NOT_A_LETTER.sub(" ", _APOSTROPHE.sub("", _ELISION.sub(r"\1 ", text)))
    text = LEGAL_FORM_PHRASES.sub(" ", " ".join(text.split()))
    words = " ".join(ABBREVIATIONS.get(word, word) for word in _join_initials(text.split()))
    words = _figures(words.split())
    return [word for word in words if not is_legal_form(word)] or words


@functools.lru_cache(maxsize=100_000)  # names share their words
def is_legal_form(word: str) -> bool:
    """A legal-form word, or a long one misspelt or cut ("Aktiengeselschaft", "Compan")."""
    if word in LEGAL_FORMS:
        return True
    return len(word) >= 6 and any(
        len(form) >= 6 and fuzz.ratio(word, form) >= 88 for form in _LONG_LEGAL_FORMS
    )


def parse_name(name: str) -> ParsedName:
    qualifiers = [match.group(1) for match in _BRACKETED.finditer(name)]
    main = _BRACKETED.sub(" ", name)
    if ":" in main:
        main, after = main.split(":", 1)
        qualifiers.append(after)
    words = words_of(main)
    qualifier_words = [word for text in qualifiers for word in words_of(text)]
    if not words:  # a name that is all qualifier: "(SANS)"
        words, qualifier_words = qualifier_words, []
    return ParsedName(tuple(words), tuple(qualifier_words))


def name_variants(name: str) -> list[str]:
    """A listed name may give alternatives in one field: "Al-Qa'ida/Islamic Army"."""
    parts = [part.strip() for part in name.split("/")]
    if len(parts) > 1 and all(sum(c.isalpha() for c in part) >= 2 for part in parts):
        return parts
    return [name]


def normalize(name: str) -> str:
    """The name's key (see `ParsedName.key`), as stored with each listed name."""
    return parse_name(name).key
