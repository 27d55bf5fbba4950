"""Invoices past their due date: reminded twice and still unpaid first, for the
organizers to follow up by hand (services/billing/reminders.py sends the reminders)."""

from flask import g, render_template

from ...access import event_role_required
from ...models import Role
from ...services.billing import reminders


@event_role_required(Role.ORGANIZER)
def overdue_invoices(slug):
    late = reminders.overdue(g.event)
    return render_template(
        "tickets/manage/overdue.html",
        event=g.event,
        reminded=[o for o in late if o.invoice.reminders_sent >= reminders.REMINDERS],
        waiting=[o for o in late if o.invoice.reminders_sent < reminders.REMINDERS],
    )
