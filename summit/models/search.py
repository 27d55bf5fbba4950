"""Text as a search compares it: names found in any case, with or without Å, Ä, Ö typed.

Databases disagree on case (SQLite's lower() folds only A–Z) and know nothing of
diacritics, so rows that people search keep a folded copy of their words
(`search_text`), and a query is folded the same way before it is compared with LIKE.
"Öberg-Lindqvist", "ÖBERG" and "oberg" all become "oberg-lindqvist"/"oberg".
"""

import unicodedata

# Letters that carry no combining mark to strip (NFKD leaves them whole).
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d"})


def fold(text: str | None) -> str:
    """Lower case without diacritics, spaces collapsed: the form searches compare."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Control characters (a NUL ends a string for SQLite's LIKE) count as spaces.
    bare = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in decomposed
        if not unicodedata.combining(c)
    )
    return " ".join(bare.translate(_LETTERS).split())


def search_words(*parts: str | None) -> str:
    """The folded words of a row's searchable fields, one string."""
    return " ".join(folded for folded in (fold(p) for p in parts) if folded)


def like_pattern(query: str) -> str:
    """A LIKE pattern (escape character '\\') matching the folded query anywhere."""
    escaped = fold(query).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# Å Ä Ö (and Danish/Norwegian Æ Ø with Ä Ö) become the three characters after "z", so
# they sort after every letter: "z" + something would put Åberg before Zetterberg.
_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def collation_key(text: str) -> str:
    """A sort key in Swedish order: case and other accents ignored (é as e, ü as y), Å Ä
    Ö last and in that order."""
    text = " ".join(text.split()).casefold().translate(_SWEDISH_LAST)
    text = text.replace("ü", "y")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
