"""Swedish first, English complete: every user-facing text has its Swedish translation.

Extracts the messages from the code and templates as `make extract-messages` does,
so a new text that was never added to the catalogue fails here too.
"""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "summit/translations/sv/LC_MESSAGES/messages.po"


def _ids(catalog) -> set:
    return {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}


def test_every_text_in_the_code_has_a_swedish_translation(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run(
        [
            str(pybabel),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with pot.open("rb") as source:
        in_code = _ids(read_po(source))
    with PO.open("rb") as source:
        catalog = read_po(source)
    missing = in_code - _ids(catalog)
    assert not missing, f"not in the Swedish catalogue (run make extract-messages): {missing}"
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not untranslated, f"Swedish missing for: {untranslated}"
