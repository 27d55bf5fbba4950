"""Erasure (art. 17) holder by holder: a proposal in a published program stays as the
program's record and the log says so; one with other speakers stays for them; the
order history forgets names; an organizer's access log stays; a registered holder of
another capability is asked too."""

from sqlalchemy import select

from summit.database import unit_of_work
from summit.models import (
    Actor,
    DataAccess,
    OrderEvent,
    ProgramRelease,
    ProgramSession,
    Proposal,
    ProposalSpeaker,
    ProposalState,
    User,
)
from summit.services.privacy import audit, registry, requests
from tests import privacy_world


def erase(email: str) -> list[str]:
    with unit_of_work():
        return registry.erase_person(email)


def test_a_published_proposal_stays_as_the_programs_record(
    db, make_event, make_user, make_call, make_proposal, make_profile
):
    event = make_event(slug="summit2027")
    asa = make_user(privacy_world.BUYER, name="Åsa Öberg")
    bo = make_user("bo@example.se", name="Bo Berg")
    make_profile(asa, "Åsa Öberg")
    call = make_call(event)
    published = make_proposal(call, asa, ProposalState.CONFIRMED, title="Grannskap")
    shared = make_proposal(call, bo, co_speakers=[asa], title="Tillsammans")
    alone = make_proposal(call, asa, title="Utkastet")
    session = ProgramSession(event=event, proposal_id=published.id, title="Grannskap")
    db.session.add(session)
    db.session.flush()
    db.session.add(
        ProgramRelease(
            event=event,
            number=1,
            snapshot={"sessions": [{"token": session.token}], "speakers": [{"name": "Åsa Öberg"}]},
        )
    )
    db.session.commit()
    kept = erase(privacy_world.BUYER.upper())  # any case
    assert kept == [
        "Publicerat program: ”Grannskap” finns kvar som offentlig handling i det program som "
        "redan publicerats, med ditt namn, din organisation och din biografi som talare i de "
        "versionerna."
    ]
    titles = sorted(db.session.scalars(select(Proposal.title)))
    assert titles == ["Grannskap", "Tillsammans"]  # her own draft went
    assert db.session.scalars(select(ProposalSpeaker.email)).all() == ["bo@example.se"]
    assert db.session.scalars(select(User.email)).all() == ["bo@example.se"]
    snapshot = db.session.scalars(select(ProgramRelease.snapshot)).one()
    assert snapshot["speakers"] == [{"name": "Åsa Öberg"}]
    assert alone.id not in {p.id for p in db.session.scalars(select(Proposal))}
    assert shared.id in {p.id for p in db.session.scalars(select(Proposal))}


def test_the_order_history_forgets_the_person(db, make_event):
    world = privacy_world.build(make_event)
    db.session.add(
        OrderEvent(
            order=world.paid,
            actor=Actor.BUYER,
            action="ticket_transferred",
            details={
                "ticket": "1",
                "before": "Mohammed Ali",
                "before_email": "mohammed@example.se",
                "after": "Åsa Öberg",
                "after_email": privacy_world.BUYER,
            },
        )
    )
    db.session.commit()
    erase(privacy_world.BUYER)
    details = db.session.scalars(select(OrderEvent.details)).one()
    assert details == {
        "ticket": "1",
        "before": "Mohammed Ali",
        "before_email": "mohammed@example.se",
        "after": "–",
        "after_email": "–",
    }


def test_an_organizers_exports_stay_in_the_access_log(db, make_event, make_user):
    event = make_event()
    olga = make_user("olga@example.org", name="Olga")
    audit.record("attendee_csv", event, 12, olga)
    audit.record("person_export", None, 3, olga)
    kept = erase("olga@example.org")
    assert kept == [
        "Logg över uttag: de uttag av personuppgifter du gjort för evenemang du arrangerat "
        "finns kvar, som redovisning av vem som sett vems uppgifter."
    ]
    logged = db.session.scalars(select(DataAccess).order_by(DataAccess.id)).all()
    assert [(e.what, e.user_email) for e in logged] == [
        ("attendee_csv", "olga@example.org"),
        ("person_export", ""),
    ]


class Feedback:
    """A holder another capability registers (as session feedback will)."""

    asked: list[tuple[str, str]] = []

    @staticmethod
    def export_person(email):
        Feedback.asked.append(("export", email))
        return [{"Betyg": "5"}]

    @staticmethod
    def erase_person(email):
        Feedback.asked.append(("erase", email))
        return "Betygen finns kvar utan namn."


def test_a_registered_holder_is_asked_in_its_turn(db, make_event, make_user, monkeypatch):
    privacy_world.build(make_event)
    asa = make_user(privacy_world.BUYER)
    holders = list(registry.HOLDERS)
    holders.insert(-2, registry.holder("session_feedback", Feedback))
    monkeypatch.setattr(registry, "HOLDERS", holders)
    assert requests.export_of(asa)["session_feedback"] == [{"Betyg": "5"}]
    asked = requests.ask_erasure(asa)
    done = requests.complete(asked, make_user("admin@example.org", is_site_admin=True), None)
    assert Feedback.asked == [("export", privacy_world.BUYER), ("erase", privacy_world.BUYER)]
    assert done.kept_lines[0] == "Betygen finns kvar utan namn."
