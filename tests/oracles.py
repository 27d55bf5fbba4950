"""Checks written outside the project (../shared/oracles/, next to the checkout), read
from where they are: never copied into the repository."""

import os
from functools import cache
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]


def oracle(name: str) -> Path:
    """The oracle file `name`: in $SUMMIT_ORACLES, else ../shared/oracles next to the
    checkout, else the workplace's /work/shared/oracles. A missing oracle fails the test
    (the check it stands for would otherwise silently not happen)."""
    places = [
        *([Path(os.environ["SUMMIT_ORACLES"])] if os.environ.get("SUMMIT_ORACLES") else []),
        ROOT.parent / "shared" / "oracles",
        Path("/work/shared/oracles"),
    ]
    for place in places:
        if (place / name).is_file():
            return place / name
    raise AssertionError(f"oracle {name} not found in: {', '.join(map(str, places))}")


@cache
def schedule_schema() -> etree.XMLSchema:
    """The community's XML Schema of the frab schedule.xml (voc/schedule)."""
    return etree.XMLSchema(etree.parse(str(oracle("schedule.xml.xsd"))))
