"""An order's history (issue 16.7): every change, who or what made it and when, on the
organizer's order page, so support can answer "what happened to my ticket?"."""

from datetime import timedelta

from sqlalchemy import select

from summit.models import Actor, OrderEvent, OrderStatus, Role, utcnow
from summit.services.tickets.history import acting, record
from summit.services.tickets.ordering import AttendeeDetails, change_attendee
from summit.services.worker import one_round
from tests.conftest import csrf_token, sign_in
from tests.web import test_order_trust as trust
from tests.web.test_order_trust import details, only_order, reserve, submit, visible

summit, fake = trust.summit, trust.fake  # the shop's event and the Stripe fake, as there


def history(db, order_id: int) -> list[tuple[str, Actor, dict]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
    )
    return [(e.action, e.actor, e.details) for e in rows]


def test_a_card_sale_and_its_refund_as_support_reads_them(
    client, db, fake, summit, make_user, grant
):
    event, regular, _ = summit
    checkout = reserve(client, event, {regular: 2}).headers["Location"]
    submit(client, checkout, details("Åsa Öberg-Lindqvist", "Mohammed Ängström", method="stripe"))
    fake.pay()
    fake.deliver(client, fake.event("checkout.session.completed", fake.session()))
    order = only_order(db)
    assert order.status is OrderStatus.PAID

    organizer = grant(
        make_user("arrangor@example.org", name="Karin Arrangör"), event, Role.ORGANIZER
    )
    sign_in(client, organizer)
    page = f"/manage/events/{event.slug}/orders/{order.reference}"
    refund_page = f"{page}/refund"
    client.post(refund_page, data={"csrf_token": csrf_token(client, refund_page)})
    fake.deliver(client, fake.event("charge.refunded", fake.session()))

    assert [(action, actor) for action, actor, _ in history(db, order.id)] == [
        ("reserved", Actor.BUYER),
        ("details", Actor.BUYER),
        ("payment_started", Actor.BUYER),
        ("status", Actor.STRIPE),
        ("refunded", Actor.ORGANIZER),
        ("status", Actor.ORGANIZER),
    ]
    assert [d for a, _, d in history(db, order.id) if a == "status"] == [
        {"before": "reserved", "after": "paid"},
        {"before": "paid", "after": "refunded"},
    ]
    entry = db.session.scalars(select(OrderEvent).where(OrderEvent.action == "refunded")).one()
    assert entry.user_id == organizer.id and entry.request_id

    text = visible(client.get(page))
    history_text = text[text.index("Historik") :]
    for said in (
        "Beställare Reserverade 2 biljett(er)",
        "Beställare Valde att betala med Kort, Swish eller Klarna",
        "Stripe Status: Reserverad, inte betald → Betald",
        "Arrangör: Karin Arrangör Återbetalning av 3 000 kr gjord",
        "Arrangör: Karin Arrangör Status: Betald → Återbetald",
    ):
        assert said in history_text, (said, history_text)
    english = visible(client.get(page, headers={"Accept-Language": "en"}))
    assert "Organizer: Karin Arrangör Refund of 3,000 SEK made" in english


def test_the_worker_is_named_for_what_it_does(app, client, db, summit):
    event, regular, _ = summit
    reserve(client, event, {regular: 1})
    order = only_order(db)
    order.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    order_id = order.id
    one_round()  # ends the session: the order is read again by its id
    assert history(db, order_id)[-1] == (
        "status",
        Actor.WORKER,
        {"before": "reserved", "after": "expired"},
    )


def test_an_order_from_before_the_history_says_so_and_unknown_words_do_not_break_it(
    client, db, summit, make_user, grant
):
    event, regular, _ = summit
    reserve(client, event, {regular: 1})
    order = only_order(db)
    for row in db.session.scalars(select(OrderEvent)):
        db.session.delete(row)
    db.session.commit()
    organizer = grant(make_user("arrangor@example.org"), event, Role.ORGANIZER)
    sign_in(client, organizer)
    page = f"/manage/events/{event.slug}/orders/{order.reference}"
    assert "Inga ändringar sparade" in visible(client.get(page))

    with acting(Actor.SYSTEM):
        record(order, "status", before="reserved")  # a detail missing: a dash
    db.session.commit()
    assert "Systemet Status: Reserverad, inte betald → –" in visible(client.get(page))


def test_a_changed_attendee_reads_in_the_readers_language(client, db, summit, make_user, grant):
    """Recorded on a Swedish page, read on an English one: the ticket type by its name in
    the reader's language."""
    event, regular, _ = summit
    reserve(client, event, {regular: 1})
    order = only_order(db)
    organizer = grant(make_user("arrangor@example.org", name="Karin"), event, Role.ORGANIZER)
    with acting(Actor.ORGANIZER, organizer):
        change_attendee(order.tickets[0], AttendeeDetails("Åsa Öberg-Lindqvist"))
    sign_in(client, organizer)
    page = f"/manage/events/{event.slug}/orders/{order.reference}"
    assert "Deltagare bytt (Ordinarie): – → Åsa Öberg-Lindqvist" in visible(client.get(page))
    english = visible(client.get(page, headers={"Accept-Language": "en"}))
    assert "Organizer: Karin Attendee changed (Regular): – → Åsa Öberg-Lindqvist" in english
