"""Names made comparable: transliterated, case-folded, without punctuation or legal-form
words, words in a fixed order. "Société Générale S.A." and "GENERALE SOCIETE" meet."""

import re
import unicodedata

from anyascii import anyascii

# Legal-form words, as they read once punctuation is gone and initials joined
# ("S.A." -> "sa", "L.L.C." -> "llc").
LEGAL_FORMS = frozenset(
    [
        "ltd",
        "limited",
        "llc",
        "llp",
        "lp",
        "plc",
        "inc",
        "incorporated",
        "corp",
        "corporation",
        "co",
        "company",
        "cie",
        "gmbh",
        "ag",
        "kg",
        "ohg",
        "ug",
        "sa",
        "sas",
        "sarl",
        "sl",
        "srl",
        "spa",
        "sapa",
        "bv",
        "nv",
        "oy",
        "ab",
        "as",
        "asa",
        "aps",
        "pte",
        "pvt",
        "private",
        "pty",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "ooo",
        "oao",
        "zao",
        "pao",
        "tov",
        "fze",
        "fzco",
        "fzllc",
        "sdn",
        "bhd",
        "tbk",
        "kk",
    ]
)


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


def normalize(name: str) -> str:
    text = anyascii(unicodedata.normalize("NFKC", name)).casefold()
    text = re.sub(r"[^\w\s]|_", " ", text)
    words = _join_initials(text.split())
    kept = [word for word in words if word not in LEGAL_FORMS]
    return " ".join(sorted(kept or words))
