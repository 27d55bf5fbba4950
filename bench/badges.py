"""Badge printing at scale: N badges (generated people, each with its own ticket secret
and so its own QR code) rendered into one PDF per layout, in a fresh process each so
every layout's peak memory is its own.

    .venv/bin/python bench/badges.py [--badges 1000] [--layouts a6,a6x4]

Needs no database or server. The last line of output is one JSON object:
{"a6": {"seconds", "badges_per_s", "peak_mb", "cpu_seconds", "pages", "bytes"}, ...}
peak_mb is the largest resident set of the rendering process or of any process it
started (resource.getrusage, self and children). Targets (issue 5): 1000 A6 in at most
8 s, 1000 4-up on A4 in at most 10 s, peak under 600 MB.
"""

import argparse
import json
import random
import resource
import secrets
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST = ["Anna", "Erik", "Åsa", "Björn", "Märta", "Örjan", "Li", "Mohammed", "Ingrid", "Sven"]
LAST = ["Andersson", "Öberg", "Ståhl", "Nguyen", "Lindqvist-Åkerlund", "Ek", "Söderström"]
ORGS = ["Mötesplats Social Innovation", "Malmö stad", "Region Skåne", "", "Coompanion"]
ROLES = ["deltagare", "deltagare", "deltagare", "talare", "arrangör", "press", "personal"]


def badges(count: int):
    from summit.demo.branding import ACCENT, demo_logo
    from summit.services.badges.render import Badge
    from summit.services.branding import Brand, clean_logo

    # As a real event's run: its logo on every badge, its accent colour.
    brand = Brand(ACCENT, *clean_logo(demo_logo()))
    rng = random.Random(5)
    return [
        Badge(
            first_name=rng.choice(FIRST),
            last_name=rng.choice(LAST),
            organisation=rng.choice(ORGS),
            role=(role := rng.choice(ROLES)),
            role_label=role.capitalize(),
            event_name="Mötesplats Social Innovation 2027",
            event_dates="18–20 maj 2027",
            secret=secrets.token_urlsafe(32),
            brand=brand,
        )
        for _ in range(count)
    ]


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children: steadier than wall time on
    a busy machine, and shows how well the two cores were used."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def one(layout: str, count: int) -> dict:
    """Run in a child process: render, then report this process tree's figures."""
    from summit.services.badges.render import render_badges

    people = badges(count)
    # Timed as in a running server or worker, which has rendered a badge before: one
    # badge first loads WeasyPrint and the fonts (about a second, once per process).
    render_badges(badges(1), layout)
    cpu_before = _cpu_seconds()
    started = time.perf_counter()
    pdf = render_badges(people, layout)
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_before
    peak_kb = max(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    )
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    pages = len(document)
    document.close()
    return {
        "seconds": round(seconds, 2),
        "badges_per_s": round(count / seconds, 1),
        "peak_mb": round(peak_kb / 1024, 1),
        "cpu_seconds": round(cpu, 2),
        "pages": pages,
        "bytes": len(pdf),
    }


def main() -> None:
    from summit.services.badges.render import LAYOUTS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--badges", type=int, default=1000)
    parser.add_argument("--layouts", default=",".join(LAYOUTS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one(args.child, args.badges)))
        return
    results = {}
    for layout in args.layouts.split(","):
        if layout not in LAYOUTS:
            sys.exit(f"unknown layout {layout!r}; choose from {', '.join(LAYOUTS)}")
        out = subprocess.run(
            [sys.executable, __file__, "--child", layout, "--badges", str(args.badges)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
            timeout=600,
        )
        results[layout] = json.loads(out.stdout.strip().splitlines()[-1])
        print(layout, results[layout], flush=True)
    print(json.dumps(results))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
