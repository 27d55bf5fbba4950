"""Codes people type or follow (access codes, discount codes, vouchers): made long and
random, and short or guessable ones refused where a code is all that stands between a
stranger and a ticket.

A code that unlocks something must not be found by trying: "TALARE" plus a year falls
in a hundred guesses. Twelve characters from a 31-character alphabet are almost 60 bits; with
the rate limit on wrong codes (summit/code_attempts.py) no one gets through by trying.
"""

import re
import secrets

# No 0/O, 1/I/L: read from paper or over the phone without mix-ups.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
GENERATED_LENGTH = 12
MIN_SECRET_LENGTH = 8

# A word and a year (TALARE2027, SPEAKER-2027, PARTNER27); VIP27 is caught by the length.
_WORD_AND_YEAR = re.compile(r"^[A-Z]{1,9}[-_]?(19|20)?\d\d$")


def random_code(length: int = GENERATED_LENGTH) -> str:
    """A code of `length` characters from the unambiguous alphabet, e.g. "K7PMXQ4R9TZA"."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if not is_guessable(code):  # a word and a year by chance: once in many millions
            return code


def is_guessable(code: str) -> bool:
    """Too short, one character over and over, or a word and a year: found by trying.
    `code` is normalised (upper case, stripped)."""
    bare = code.replace("-", "").replace("_", "")
    return len(bare) < MIN_SECRET_LENGTH or len(set(bare)) <= 2 or bool(_WORD_AND_YEAR.match(code))
