"""The impact report out of the system: an Excel workbook with a sheet per table (numbers
as numbers, shares as percentages, a bar chart on each breakdown's sheet), and a PDF
of the report page with its charts (WeasyPrint, tagged like every other document)."""

import io
import re

from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ...i18n import format_datetime
from ...models import utcnow
from ..pdf import html_to_pdf
from ..tickets.documents import seller_details
from . import charts
from .parts import Table
from .report import ImpactReport

# What Excel refuses in a sheet's name, and its length.
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_BREAKDOWNS = {"sector", "type", "day", "organisation"}


def report_xlsx(report: ImpactReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    intro = [
        report.event.name,
        _("Impact report, made %(when)s", when=format_datetime(utcnow(), "datetime")),
    ]
    for table in report.tables():
        sheet = book.create_sheet(_sheet_name(table.title, used))
        _fill(sheet, table, intro)
        if table.key in _BREAKDOWNS and table.rows:
            _bar_chart(sheet, table)
        intro = []  # on the first sheet only
    book.properties.title = _("Impact report: %(event)s", event=report.event.name)
    book.properties.creator = "summit"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = " ".join(_SHEET_NAME_BAD.sub(" ", title).split())[:31].strip() or "Sheet"
    base, n = name, 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.casefold())
    return name


def _fill(sheet, table: Table, intro: list[str]) -> None:
    """The table from the sheet's first row (after the intro lines and a blank one)."""
    for line in intro:
        sheet.append([line])
    if intro:
        sheet["A1"].font = Font(bold=True, size=14)
        sheet.append([])
    header_row = sheet.max_row + 1 if intro else 1
    sheet.append(table.header)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append(row)
    for column in table.shares:
        for (cell,) in sheet.iter_rows(
            min_row=header_row + 1, min_col=column + 1, max_col=column + 1
        ):
            cell.number_format = "0%"
    for index, header in enumerate(table.header, start=1):
        longest = max([len(str(header))] + [len(str(r[index - 1] or "")) for r in table.rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(longest + 2, 10), 60)
    sheet.freeze_panes = f"A{header_row + 1}"


def _bar_chart(sheet, table: Table) -> None:
    """Registered and attended per row (not the total row), beside the table."""
    last = len(table.rows)  # the header is row 1; the total, row last + 1, is left out
    chart = BarChart()
    chart.type = "bar"
    chart.title = table.title
    chart.add_data(
        Reference(sheet, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True
    )
    chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=last))
    chart.height, chart.width = max(6, 0.7 * last), 16
    sheet.add_chart(chart, f"{get_column_letter(len(table.header) + 2)}2")


def report_pdf(report: ImpactReport) -> bytes:
    """The report as a document: rendered as the tickets and receipts are (no request)."""
    html = current_app.jinja_env.get_template("impact/report_pdf.html").render(
        report=report,
        charts=charts,
        made=utcnow(),
        seller=seller_details(),
        lang=str(get_locale() or "sv"),
    )
    return html_to_pdf(html)
