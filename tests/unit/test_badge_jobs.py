"""Badge print runs (services/badges/jobs.py) without HTTP: what a run selects and in which
order, the PDF it makes and the prints it logs, its claim and lease when several
renderers are about, and how it fails."""

import io
import json
import logging
import os
import socket
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from summit import logs
from summit.models import (
    BadgeJob,
    BadgeJobStatus,
    BadgePrint,
    BadgeRole,
    PrintChannel,
    TicketStatus,
    TicketType,
    utcnow,
)
from summit.services.badges import jobs as badge_jobs
from summit.services.badges.jobs import BadgeJobError, start_job
from tests import pdf
from tests.threads import in_threads
from tests.unit.test_sales import buy

# Last names in Swedish order: Z before Å, Å before Ä, Ä before Ö; é is e.
PEOPLE = [
    ("Örjan Öberg", "Vinnova"),
    ("Åsa Åberg", "Röda Korset"),
    ("Bo Zetterberg", "Malmö stad"),
    ("Ärla Ängström", "Malmö stad"),
    ("Cecilia Ek", "Fryshuset"),
    ("Anna Andersson", "Region Skåne"),
    ("René Eliasson", "Ängelholms kommun"),
]
BY_LAST_NAME = ["Andersson", "Ek", "Eliasson", "Zetterberg", "Åberg", "Ängström", "Öberg"]
# Organisations in Swedish order (Ä after R, V before Ä), then last name within one.
BY_ORGANISATION = ["Ek", "Zetterberg", "Ängström", "Andersson", "Åberg", "Öberg", "Eliasson"]


@pytest.fixture
def summit(db, make_event, make_user):
    event = make_event(slug="summit2027", name_sv="Summit 2027")
    regular = TicketType(event=event, name_sv="Ordinarie", price=150000)
    speaker = TicketType(
        event=event, name_sv="Talare", price=0, vat_percent=0, badge_role=BadgeRole.SPEAKER
    )
    db.session.add_all([regular, speaker])
    db.session.commit()
    people = {}
    for name, organisation in PEOPLE:
        kind = speaker if name.startswith("Bo ") else regular
        how = "free" if kind is speaker else "invoice"
        order = buy(event, {kind: 1}, how=how, buyer=name, names=[name])
        ticket = order.tickets[0]
        ticket.attendee_organisation = organisation
        people[name.split()[-1]] = ticket
    db.session.commit()
    organizer = make_user("omar@example.org", name="Omar Organizer")
    return {
        "event": event,
        "regular": regular,
        "speaker": speaker,
        "people": people,
        "by": organizer,
    }


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def last_names(db, job: BadgeJob) -> list[str]:
    """The last names of the run's tickets in the order they will be printed (the ids
    counted when it was asked for; the worker sorts them when it renders)."""
    assert len(set(job.selection["ticket_ids"])) == job.total
    return [t.attendee_name.split()[-1] for t in badge_jobs._tickets_of(job)]


def fresh(db, job: BadgeJob) -> BadgeJob:
    db.session.commit()
    db.session.expire_all()
    return db.session.get(BadgeJob, job.id)


# Choosing --------------------------------------------------------------------------------


def test_a_run_counts_its_badges_when_asked_for_in_swedish_order(db, summit):
    job = start_job(summit["event"], "a6", requested_by=summit["by"])
    assert job.status is BadgeJobStatus.QUEUED and job.total == len(PEOPLE) and job.done == 0
    assert last_names(db, job) == BY_LAST_NAME
    assert len(job.token) >= 22  # 128 bits, in its URLs instead of the id

    by_org = start_job(summit["event"], "a6x4", sort="organisation", only_unprinted=False)
    assert last_names(db, by_org) == BY_ORGANISATION


def test_a_run_of_chosen_ticket_types_only(db, summit):
    job = start_job(summit["event"], "ql-62", ticket_type_ids=[str(summit["speaker"].id)])
    assert job.total == 1 and last_names(db, job) == ["Zetterberg"]
    assert job.selection["ticket_type_ids"] == [summit["speaker"].id]


def test_tickets_that_are_not_confirmed_or_valid_get_no_badge(db, summit):
    buy(summit["event"], {summit["regular"]: 1}, how="reserved", buyer="Rut Reserverad")
    summit["people"]["Ek"].status = TicketStatus.CANCELLED
    db.session.commit()
    job = start_job(summit["event"], "a6")
    assert "Ek" not in last_names(db, job) and "Reserverad" not in last_names(db, job)
    assert job.total == len(PEOPLE) - 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"layout": "a5"}, "layout"),
        ({"layout": ""}, "layout"),
        ({"sort": "first_name"}, "sort"),
        ({"locale": "de"}, "locale"),
        ({"ticket_type_ids": ["x"]}, "ticket_types"),
        ({"ticket_type_ids": [999999]}, "ticket_types"),
    ],
)
def test_garbage_is_refused_and_nothing_is_written(db, summit, change, field):
    args = dict(layout="a6", ticket_type_ids=[], sort="last_name", locale="sv") | change
    with pytest.raises(BadgeJobError) as refused:
        start_job(summit["event"], **args)
    assert refused.value.field == field and str(refused.value)
    assert count(db, BadgeJob) == 0


def test_another_events_ticket_type_is_refused(db, summit, make_event):
    other = make_event(slug="annat")
    elsewhere = TicketType(event=other, name_sv="Ordinarie", price=0)
    db.session.add(elsewhere)
    db.session.commit()
    with pytest.raises(BadgeJobError, match="not ticket types of summit2027"):
        start_job(summit["event"], "a6", ticket_type_ids=[elsewhere.id])
    assert count(db, BadgeJob) == 0


def test_an_event_without_tickets_has_nothing_to_print(db, make_event):
    with pytest.raises(BadgeJobError, match="nothing to print") as refused:
        start_job(make_event(), "a6")
    assert refused.value.reason == "none" and count(db, BadgeJob) == 0


# Running ---------------------------------------------------------------------------------


def test_a_run_makes_the_pdf_and_logs_every_badge_in_the_same_commit(db, summit):
    job = start_job(summit["event"], "a6", locale="en", requested_by=summit["by"])
    assert count(db, BadgePrint) == 0
    assert badge_jobs.run_job(job.id) is True

    job = fresh(db, job)
    assert job.status is BadgeJobStatus.DONE and job.done == job.total == len(PEOPLE)
    assert job.finished_at is not None and job.lease_until is None and job.error == ""
    document = badge_jobs.job_pdf(job)
    assert pdf.page_count(document) == len(PEOPLE)
    secrets = [summit["people"][name].secret for name in BY_LAST_NAME]
    assert [codes for codes in pdf.page_qr_codes(document)] == [[s] for s in secrets]
    texts = [text.upper() for text in pdf.page_texts(document)]
    for name, text in zip(BY_LAST_NAME, texts, strict=True):
        # The ribbon says what the ticket type says (the speakers' type: "Speaker").
        role = "SPEAKER" if name == "Zetterberg" else "ATTENDEE"
        assert name.upper() in text and role in text, (name, text)

    prints = db.session.scalars(select(BadgePrint).order_by(BadgePrint.id)).all()
    assert len(prints) == len(PEOPLE)
    assert {p.ticket_id for p in prints} == {t.id for t in summit["people"].values()}
    assert all(
        (p.channel, p.layout, p.job_id, p.printed_by_id)
        == (PrintChannel.SHEETS, "a6", job.id, summit["by"].id)
        for p in prints
    )
    # Done is done: running it again renders nothing and logs nothing.
    assert badge_jobs.run_job(job.id) is False
    assert count(db, BadgePrint) == len(PEOPLE)


def test_only_unprinted_after_a_run(db, summit):
    badge_jobs.run_job(start_job(summit["event"], "a7x8").id)
    with pytest.raises(BadgeJobError, match="nothing to print"):
        start_job(summit["event"], "a6", only_unprinted=True)

    late = buy(summit["event"], {summit["regular"]: 1}, buyer="Lisa Sen", names=["Lisa Sen"])
    job = start_job(summit["event"], "a6", only_unprinted=True)
    assert job.selection["ticket_ids"] == [late.tickets[0].id]
    # "All" is a deliberate reprint.
    assert start_job(summit["event"], "a6", only_unprinted=False).total == len(PEOPLE) + 1


def test_the_badge_language_is_the_runs_or_each_orders(db, summit):
    summit["people"]["Andersson"].order.locale = "en"
    db.session.commit()
    for locale, andersson, ek in (
        ("sv", "DELTAGARE", "DELTAGARE"),
        (None, "ATTENDEE", "DELTAGARE"),
    ):
        job = start_job(summit["event"], "a6", locale=locale, only_unprinted=False)
        badge_jobs.run_job(job.id)
        texts = [t.upper() for t in pdf.page_texts(badge_jobs.job_pdf(fresh(db, job)))]
        assert andersson in texts[BY_LAST_NAME.index("Andersson")], locale
        assert ek in texts[BY_LAST_NAME.index("Ek")], locale


def test_a_ticket_refunded_after_the_run_was_asked_for_is_left_out(db, summit):
    job = start_job(summit["event"], "a6")
    summit["people"]["Öberg"].status = TicketStatus.REFUNDED
    db.session.commit()
    badge_jobs.run_job(job.id)
    job = fresh(db, job)
    assert job.status is BadgeJobStatus.DONE and job.total == job.done == len(PEOPLE) - 1
    assert pdf.page_count(badge_jobs.job_pdf(job)) == len(PEOPLE) - 1


# Failing ---------------------------------------------------------------------------------


def test_a_run_whose_tickets_are_all_gone_fails_with_the_reason(db, summit):
    job = start_job(summit["event"], "a6", ticket_type_ids=[summit["speaker"].id])
    summit["people"]["Zetterberg"].status = TicketStatus.CANCELLED
    db.session.commit()
    assert badge_jobs.run_job(job.id) is True
    job = fresh(db, job)
    assert job.status is BadgeJobStatus.FAILED and "valid" in job.error
    assert job.finished_at is not None and job.lease_until is None
    assert badge_jobs.job_pdf(job) is None and count(db, BadgePrint) == 0


def test_a_rendering_error_is_recorded_and_nothing_is_logged(db, summit):
    job = start_job(summit["event"], "a6")
    job.layout = "a4-retired"  # e.g. a layout a later version no longer has
    db.session.commit()
    assert badge_jobs.run_job(job.id) is True
    job = fresh(db, job)
    assert job.status is BadgeJobStatus.FAILED and "a4-retired" in job.error
    assert count(db, BadgePrint) == 0


# Claims and leases -----------------------------------------------------------------------


def test_only_one_of_several_renderers_claims_a_run(app, db, summit):
    job_id = start_job(summit["event"], "a6").id
    marks = in_threads(app, 6, lambda: badge_jobs._claim(job_id))
    assert sum(mark is not None for mark in marks) == 1
    db.session.commit()
    job = db.session.get(BadgeJob, job_id, populate_existing=True)
    assert job.status is BadgeJobStatus.RUNNING and job.lease_until > utcnow()


def test_a_claimed_run_is_not_taken_again_while_its_lease_lasts(db, summit):
    job = start_job(summit["event"], "a6")
    mark = badge_jobs._claim(job.id)  # a renderer in another process is at work
    assert mark is not None
    assert badge_jobs.run_job(job.id) is False
    assert badge_jobs.run_pending_jobs() == 0
    job = fresh(db, job)
    assert job.status is BadgeJobStatus.RUNNING and job.started_at == mark
    assert count(db, BadgePrint) == 0


def test_a_run_whose_renderer_died_is_taken_over_when_its_lease_ends(db, summit):
    job = start_job(summit["event"], "a6")
    mark = badge_jobs._claim(job.id)
    job = fresh(db, job)
    job.lease_until = utcnow() - timedelta(seconds=1)  # its thread died: no more heartbeats
    db.session.commit()

    assert badge_jobs.run_pending_jobs() == 1
    job = fresh(db, job)
    assert job.status is BadgeJobStatus.DONE and job.started_at != mark
    assert count(db, BadgePrint) == len(PEOPLE)
    # The renderer that lost it cannot report progress or finish it any more.
    with pytest.raises(badge_jobs._LostClaim):
        badge_jobs._update(job.id, mark, done=1)
    assert fresh(db, job).done == len(PEOPLE)


def test_the_worker_takes_a_new_run_at_once_and_says_whose_it_is(app, db, summit, caplog):
    with app.test_request_context(headers={"X-Request-ID": "door-7-request"}):
        job = start_job(summit["event"], "a6")
    assert job.request_id == "door-7-request"
    stream = io.StringIO()
    handler = logs.handler("json", stream)
    badge_jobs.log.addHandler(handler)
    try:
        with caplog.at_level(logging.INFO, logger=badge_jobs.log.name):
            assert badge_jobs.run_pending_jobs() == 1
            badge_jobs.log.info("after the run")
    finally:
        badge_jobs.log.removeHandler(handler)
    job = fresh(db, job)
    assert job.status is BadgeJobStatus.DONE
    assert job.renderer == f"{socket.gethostname()} {os.getpid()}"
    # Its log lines carry the id of the request that asked for it; later ones do not.
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    by_message = {line["message"]: line["request_id"] for line in lines}
    assert by_message[f"Badge run {job.id} done"] == "door-7-request"
    assert by_message["after the run"] is None


def test_the_lease_is_the_configured_one(app, db, summit):
    app.config["BADGE_RUN_LEASE"] = 7
    job = start_job(summit["event"], "a6")
    mark = badge_jobs._claim(job.id)
    assert fresh(db, job).lease_until == mark + timedelta(seconds=7)


def test_pdfs_are_dropped_a_day_after_their_run(db, summit):
    old = start_job(summit["event"], "a6")
    badge_jobs.run_job(old.id)
    new = start_job(summit["event"], "a6", only_unprinted=False)
    badge_jobs.run_job(new.id)
    old = fresh(db, old)
    old.finished_at = utcnow() - timedelta(days=1, minutes=1)
    db.session.commit()

    badge_jobs.run_pending_jobs()
    assert badge_jobs.job_pdf(fresh(db, old)) is None
    assert not badge_jobs.job_has_pdf(old) and badge_jobs.job_has_pdf(new)
    assert fresh(db, old).status is BadgeJobStatus.DONE  # the run and its log stay
    assert count(db, BadgePrint) == 2 * len(PEOPLE)


# Counting and one badge --------------------------------------------------------------------


def test_badge_counts_per_ticket_type(db, summit):
    badge_jobs.run_job(start_job(summit["event"], "a6", [summit["speaker"].id]).id)
    counts = badge_jobs.badge_counts(summit["event"])
    assert counts[summit["regular"].id] == badge_jobs.TypeCounts(len(PEOPLE) - 1, 0)
    assert counts[summit["speaker"].id] == badge_jobs.TypeCounts(1, 1)


def test_one_badge_is_made_at_once_and_logged(db, summit):
    ticket = summit["people"]["Ek"]
    document = badge_jobs.print_single_badge(ticket, summit["by"])
    assert pdf.page_sizes_mm(document) == [(105.0, 148.0)]
    assert pdf.page_qr_codes(document) == [[ticket.secret]]
    printed = db.session.scalars(select(BadgePrint)).one()
    assert (printed.ticket_id, printed.channel, printed.printed_by_id, printed.job_id) == (
        ticket.id,
        PrintChannel.SHEETS,
        summit["by"].id,
        None,
    )
    ticket.status = TicketStatus.CANCELLED
    db.session.commit()
    with pytest.raises(BadgeJobError):
        badge_jobs.print_single_badge(ticket, summit["by"])
    assert count(db, BadgePrint) == 1
