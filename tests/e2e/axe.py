"""axe-core (bundled by axe-playwright-python) on a page of the live server: the WCAG
2.1 A and AA rules, and what it finds that is serious or critical."""

from axe_playwright_python.sync_playwright import Axe

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
SERIOUS = {"serious", "critical"}
_axe = Axe()


def serious_violations(page) -> list[str]:
    """Each serious or critical violation on the page as it is now: the rule, its
    impact and the first elements it names (empty: none)."""
    results = _axe.run(page, options=WCAG)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
