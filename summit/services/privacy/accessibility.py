"""The accessibility statement's feedback: a report of a problem, stored and mailed to
MSI through the outbox (CONTACT_EMAIL, else the sender address of the site's mail)."""

from email.utils import parseaddr

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import AccessibilityReport
from ..cfp.validation import clean_email, clean_long_text, clean_text
from ..mail import queue_mail

# The date the statement was made and last reviewed (DOS-lagen: it must say so).
STATEMENT_DATE = "2026-12-07"


def recipient() -> str:
    return (
        current_app.config.get("CONTACT_EMAIL")
        or parseaddr(current_app.config.get("MAIL_FROM", ""))[1]
    )


def report_problem(page: str, description: str, name: str, email: str) -> AccessibilityReport:
    """Stores the report and queues its mail in the same transaction. Refused (nothing
    stored) without a description, or with an address that is not one."""
    description = clean_long_text(description, "description", 5000, required=True)
    page = clean_text(page, "page", 500)
    name = clean_text(name, "name", 200)
    email = clean_email(email) if (email or "").strip() else ""
    with unit_of_work(keep_loaded=True):
        report = AccessibilityReport(page=page, description=description, name=name, email=email)
        db.session.add(report)
        queue_mail(
            recipient(),
            "accessibility_report",
            _l("Accessibility problem reported"),
            locale="sv",
            reply_to=email or None,
            report=report,
        )
    return report


def latest_reports(limit: int = 100) -> list[AccessibilityReport]:
    return list(
        db.session.scalars(
            select(AccessibilityReport)
            .order_by(AccessibilityReport.created_at.desc(), AccessibilityReport.id.desc())
            .limit(limit)
        )
    )
