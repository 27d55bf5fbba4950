"""What `flask worker` does each round, every few seconds, on as many processes and
hosts as run it: offer freed seats to waiting lists, queue due group mail, after-event
mail and surveys, tidy ended reservations, retry refunds, queue reminders, deliver the
mail outbox, apply the retention rules, render queued badge and certificate runs. Each
part claims its work row by row (or under the event's sales lock), so workers never do
the same thing twice, and a failing part (the database gone for a moment) is logged and
tried again next round without stopping the others.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from ..extensions import db
from ..models import Actor
from . import outbox
from .badges import jobs as badge_jobs
from .billing import bank_payments
from .billing import delivery as einvoices
from .billing import reminders as invoice_reminders
from .certificates import bulk as certificate_runs
from .feedback import thanks_mail
from .mailings import sending as mailings
from .payments import core as payments
from .payments import refunds
from .privacy import retention
from .surveys import sending as surveys
from .tickets import history, reminders, waitlist

log = logging.getLogger("summit.worker")  # through the app's handler (summit/logs.py)


def one_round() -> None:
    """One round of the worker's work, in the app context of the caller. What it changes
    in orders is recorded as the worker's in their history."""
    with history.acting(Actor.WORKER):
        _round()


def _round() -> None:
    with _part("Waiting lists"):
        # Seats freed since the last round (a cancellation, an offer or reservation
        # run out, a capacity raised) offered to those next in line.
        offered = waitlist.offer_free_seats_everywhere()
        if offered:
            log.info("made %s waiting-list offer(s)", offered)
    with _part("Group mail"):
        # Mailings due (sent now, or their time has come) into the outbox first, so
        # their messages go out in this round's delivery.
        queued = mailings.send_due_mailings()
        if queued:
            log.info("queued %s group mail message(s)", queued)
    with _part("After-event mail"):
        # The morning after an event: thanks and the rating link to those who came.
        thanked = thanks_mail.send_due_thanks()
        if thanked:
            log.info("queued %s after-event mail(s)", thanked)
    with _part("Surveys"):
        # Surveys whose send time has come, and reminders due, into the outbox too.
        queued = surveys.send_due_surveys()
        if queued:
            log.info("queued %s survey mail(s)", queued)
    with _part("Delivering the outbox"):
        # Ended reservations (their seats are free already), refunds Stripe did not
        # take, the day-before reminders; then what is in the outbox.
        payments.expire_reservations()
        refunds.retry_due_refunds()
        reminders.send_due_reminders()
        invoice_reminders.send_due_reminders()  # invoices unpaid after their due date
        report = outbox.deliver_pending()
        if report.sent or report.retried or report.failed:
            log.info("sent %s, to retry %s, failed %s", report.sent, report.retried, report.failed)
    with _part("E-invoices"):
        # Invoices and credit notes to organisations, to their Peppol access point; a
        # batch a round (each makes its PDF if it was not made yet: a fifth of a second).
        done = einvoices.deliver_pending(max_batches=1)
        if done.sent or done.retried or done.failed:
            log.info(
                "e-invoices sent %s, to retry %s, failed %s", done.sent, done.retried, done.failed
            )
    with _part("Retention"):
        # Personal data past the event's retention policy: sensitive answers, then
        # attendees, then the buyers on bookkeeping records (privacy/retention.py).
        applied = retention.apply_due()
        if applied:
            log.info("applied %s retention rule(s)", applied)
        # The payers in bank files, after the bookkeeping's seven years.
        forgotten = bank_payments.forget_old_files()
        if forgotten:
            log.info("forgot the payers of %s bank file(s)", forgotten)
    with _part("Badge print runs"):
        # Runs queued, or whose worker died; PDFs older than a day dropped.
        rendered = badge_jobs.run_pending_jobs()
        if rendered:
            log.info("rendered %s badge print run(s)", rendered)
    with _part("Certificate runs"):
        rendered = certificate_runs.run_pending_runs()
        if rendered:
            log.info("rendered %s certificate run(s)", rendered)


@contextmanager
def _part(what: str) -> Iterator[None]:
    """A part of the round: its failure is logged and rolled back, and its session is
    ended either way (nothing read in one round is trusted in the next)."""
    try:
        yield
    except Exception:
        log.exception("%s failed", what)
    finally:
        try:
            db.session.remove()  # rolls back what is left
        except Exception:  # the connection is gone (the database restarted)
            log.warning("%s: the database connection was lost; the next round opens one", what)
