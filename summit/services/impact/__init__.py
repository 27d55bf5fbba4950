"""From insight to impact: what an event reached, for MSI's funders and its organizers.

figures.py counts (a few queries over the event's tickets, answers and check-ins);
report.py makes the report of them (breakdowns, workshops, returning people, sales over
time, the comparison with an earlier event); charts.py draws its SVG charts; export.py
writes it as Excel and PDF; public.py is the summary an organizer may publish.
"""

from .report import ImpactReport, impact_report

__all__ = ["ImpactReport", "impact_report"]
