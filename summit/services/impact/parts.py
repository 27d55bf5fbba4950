"""What the report is made of, whoever contributes it: tables (the page, the PDF and the
workbook show them alike) and sections other capabilities add (ratings, surveys)."""

from dataclasses import dataclass, field

from flask_babel import gettext as _


@dataclass(frozen=True)
class Table:
    """A table of the report as the page, the PDF and the workbook show it: cells are
    text or numbers; the columns in `shares` hold a share from 0 to 1."""

    key: str
    title: str
    header: list[str]
    rows: list[list]
    shares: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Section:
    """A part of the report that other parts of the system contribute (session ratings,
    survey results): its heading, charts, tables and notes, and free-text answers
    grouped under what was asked."""

    key: str
    title: str
    charts: list = field(default_factory=list)  # Markup (charts.py)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    free_text: list[tuple[str, list[str]]] = field(default_factory=list)

    def all_tables(self) -> list[Table]:
        """Its tables, and its free-text answers as one more (a sheet of the workbook)."""
        if not self.free_text:
            return self.tables
        rows = [[asked, answer] for asked, answers in self.free_text for answer in answers]
        text = Table(
            f"{self.key}-text",
            _("%(what)s: free text", what=self.title),
            [_("Question"), _("Answer")],
            rows,
        )
        return [*self.tables, text]
