"""Names as the lists and the vendors write them, reduced to what matching compares. Pure.

A company name loses case, punctuation, accents, a leading "the" and its legal form (LLC, Inc, Corp, Co,
Ltd, LLP, PC, ...), and common words are written one way (``Medical`` and ``Med``, ``and`` and ``&``).
"d/b/a", "f/k/a", "a/k/a" and "formerly" split a name into the names it goes by, each matched on its own.
A person's name is compared on first and last name only (lists and officers give middle names, initials
and suffixes inconsistently).
"""

from __future__ import annotations

import re
import unicodedata

LEGAL_FORMS = frozenset(
    {"llc", "inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llp", "lp", "pc"}
    | {"pllc", "pa", "plc", "lc", "l", "c"}
)
ABBREVIATIONS = {
    "and": "&",
    "med": "medical",
    "mgmt": "management",
    "svcs": "services",
    "svc": "services",
    "srvs": "services",
    "assoc": "associates",
    "assocs": "associates",
    "grp": "group",
    "hlth": "health",
    "natl": "national",
    "intl": "international",
    "ctr": "center",
    "centre": "center",
    "sys": "systems",
    "tech": "technologies",
    "st": "saint",
    "mt": "mount",
}
PERSON_NOISE = frozenset(["mr", "mrs", "ms", "dr", "jr", "sr", "ii", "iii", "iv", "md", "do", "rn", "phd", "esq"])
# "d/b/a", "dba", "f/k/a", "fka", "a/k/a", "aka", "formerly", "also known as", "doing business as"
ALIAS_SPLIT = re.compile(
    r"\b(?:d\s*/\s*b\s*/\s*a|dba|f\s*/\s*k\s*/\s*a|fka|a\s*/\s*k\s*/\s*a|aka|formerly(?:\s+known\s+as)?"
    r"|also\s+known\s+as|doing\s+business\s+as|trading\s+as|t\s*/\s*a)\b\.?",
    re.IGNORECASE,
)
_NOT_WORD = re.compile(r"[^a-z0-9&]+")


def _plain(text: str) -> str:
    """Lower case, accents removed, every run of punctuation a space ("O'Neil" and "O Neil" differ; fine)."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = ascii_text.replace("'", "").replace("\u2019", "")  # O'Neil -> oneil, Doctors' -> doctors
    return _NOT_WORD.sub(" ", ascii_text.replace("&", " & ")).strip()


def company_key(name: str) -> str:
    """One company name, normalized: "The Acme Med. Billing Co., L.L.C." -> "acme medical billing"."""
    words = [ABBREVIATIONS.get(w, w) for w in _plain(name).split()]
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[-1] in LEGAL_FORMS:  # "Co" keeps its place in "Co Billing"
        words.pop()
    if len(words) >= 3 and words[-2:] == ["l", "l"]:  # "L.L.C." split into letters
        words = words[:-2]
    return " ".join(words)


def company_keys(name: str) -> list[str]:
    """Every name a company goes by, normalized: "Acme LLC d/b/a QuickClaims" -> ["acme", "quickclaims"]."""
    keys = [company_key(part) for part in ALIAS_SPLIT.split(name)]
    return list(dict.fromkeys(k for k in keys if k))


def person_key(first: str, last: str) -> str:
    """A person as "first last", normalized (middle names and suffixes left out)."""
    first_words = [w for w in _plain(first).split() if w not in PERSON_NOISE]
    last_words = [w for w in _plain(last).split() if w not in PERSON_NOISE]
    return " ".join(first_words[:1] + last_words)


def person_key_of(full_name: str) -> str:
    """A person's full name ("Dr. Dana R. Whitlock Jr.", or "Whitlock, Dana R.") as :func:`person_key` makes it."""
    if "," in full_name:
        last, _, first = full_name.partition(",")
        return person_key(first, last)
    words = [w for w in _plain(full_name).split() if w not in PERSON_NOISE]
    if len(words) < 2:
        return " ".join(words)
    return person_key(words[0], words[-1])


def mentions(text: str) -> str:
    """Free text (an OCR web description) normalized like company names, for finding a name inside it."""
    words = [ABBREVIATIONS.get(w, w) for w in _plain(text).split()]
    return " ".join(words)
