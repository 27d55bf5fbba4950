"""What the feedback and participant-list tests share: the published test summit
(tests/published_world.py: a keynote by Åsa on 18 May 2027 at 09:00, parallel talks at
10:00, Per's among them, a lunch, a workshop the next day, a closing talk on the last)
and attendees with tickets, checked in or not."""

from datetime import datetime

from summit.extensions import db
from summit.models import Checkin, utcnow
from summit.services.checkin.setup import ensure_default_list
from tests import checkin_world
from tests.conftest import STOCKHOLM
from tests.published_world import published_summit

# The first afternoon: the keynote and the 10:00 talks have started, the rest not.
FIRST_AFTERNOON = datetime(2027, 5, 18, 14, 0, tzinfo=STOCKHOLM)
BEFORE = datetime(2027, 5, 17, 12, 0, tzinfo=STOCKHOLM)


def check_in(ticket, undone: bool = False) -> Checkin:
    """The ticket let in at the entrance (and, `undone`, the scan taken back)."""
    made = Checkin(
        ticket_id=ticket.id,
        checkin_list_id=ensure_default_list(ticket.order.event).id,
        undone_at=utcnow() if undone else None,
    )
    db.session.add(made)
    db.session.commit()
    return made


def summit_with_attendees(event, make_user) -> dict:
    """The published summit; Eva (checked in, with an account), Olle (a ticket, not
    checked in, with an account) and Stina (checked in, then undone)."""
    world = published_summit(event, make_user)
    of_type = checkin_world.ticket_type(event)
    eva = make_user("eva@example.org", name="Eva Ek")
    olle = make_user("olle@example.org", name="Olle Berg")
    world["type"] = of_type
    world["eva"], world["olle"] = eva, olle
    world["eva_ticket"] = checkin_world.ticket(
        event, of_type, name="Eva Ek", email="eva@example.org", organisation="Malmö stad"
    )
    world["olle_ticket"] = checkin_world.ticket(
        event, of_type, name="Olle Berg", email="olle@example.org", organisation="Röda Korset"
    )
    world["stina_ticket"] = checkin_world.ticket(
        event, of_type, name="Stina", email="s@example.org"
    )
    check_in(world["eva_ticket"])
    check_in(world["stina_ticket"], undone=True)
    return world
