"""Demo data: the Social Innovation Summit 2027 (with its call for speakers), two seminars
and a user for each role.

Everything is looked up before it is created, so running `flask demo` again adds
nothing twice.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from ..extensions import db
from ..models import (
    CancelPolicy,
    Event,
    EventFormat,
    EventKind,
    EventStatus,
    Role,
    Room,
    Track,
    User,
)
from ..services import accounts
from .addons import create_demo_addons
from .branding import create_demo_branding
from .cfp import create_demo_cfp
from .checkin import create_demo_checkin
from .feedback import create_demo_feedback
from .last_year import create_demo_last_year
from .program import create_demo_program
from .questions import answer_demo_orders, create_demo_questions
from .sales import create_demo_sales, create_demo_vouchers, speaker_code
from .surveys import create_demo_surveys
from .waiting import create_demo_waiting_list

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEMO_PASSWORD = "demo-summit-2027"  # noqa: S105 - printed for the demo, never used in production


def _at(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


EVENTS = [
    {
        "slug": "summit2027",
        "kind": EventKind.SUMMIT,
        "format": EventFormat.ON_SITE,
        "name_sv": "Social Innovation Summit 2027",
        "name_en": "Social Innovation Summit 2027",
        "description_sv": (
            "Nordens största mötesplats för social innovation. Tre dagar med praktiker "
            "från civilsamhället, kommuner och regioner, sociala företag och akademin som "
            "delar vad som fungerar när samhällsutmaningar ska mötas på nya sätt.\n\n"
            "Programmet har spår om civilsamhälle, offentlig sektor, social ekonomi, "
            "forskning och näringsliv, med föredrag, workshoppar och paneler."
        ),
        "description_en": (
            "The Nordic region's largest meeting place for social innovation. Three days "
            "with practitioners from civil society, municipalities and regions, social "
            "enterprises and academia sharing what works when societal challenges are met "
            "in new ways.\n\nThe program has tracks on civil society, the public sector, "
            "the social economy, research and business, with talks, workshops and panels."
        ),
        "venue_name": "Malmö Live Konserthus",
        "venue_address": "Dag Hammarskjölds torg 4, 211 18 Malmö",
        "stream_url": "",
        "starts_at": _at(2027, 5, 18, 9, 0),
        "ends_at": _at(2027, 5, 20, 16, 30),
        # Attendees cancel until the end of April (250 kr kept per ticket) and pass
        # their ticket on to a colleague until the morning the summit starts.
        "cancel_policy": CancelPolicy.REFUND_MINUS_FEE,
        "cancel_deadline": _at(2027, 4, 30, 23, 59),
        "cancel_fee": 25000,
        "transfer_deadline": _at(2027, 5, 18, 8, 0),
        "rooms": [
            ("Stora salen", 1200),
            ("Sal A", 300),
            ("Sal B", 250),
            ("Studion", 120),
            ("Workshoprum 1", 40),
            ("Workshoprum 2", 40),
        ],
        "tracks": [
            ("Civilsamhälle", "Civil society", "#1f5f8b"),
            ("Offentlig sektor", "Public sector", "#8a3b12"),
            ("Social ekonomi", "Social economy", "#2e6b30"),
            ("Forskning och utbildning", "Research and education", "#5b3f8c"),
            ("Näringsliv", "Business", "#6b5a00"),
        ],
    },
    {
        "slug": "sociala-investeringar-2027",
        "kind": EventKind.SEMINAR,
        "format": EventFormat.HYBRID,
        "name_sv": "Frukostseminarium: Sociala investeringar i kommunen",
        "name_en": "Breakfast seminar: Social investment in municipalities",
        "description_sv": (
            "Hur räknar en kommun hem en förebyggande insats? Tre kommuner berättar om "
            "sina sociala investeringsfonder och vad de lärt sig. Frukost från 8.00."
        ),
        "description_en": (
            "How does a municipality show that prevention pays off? Three municipalities "
            "share their social investment funds and what they have learnt. Breakfast "
            "from 8.00."
        ),
        "venue_name": "Mötesplats Social Innovation, Malmö universitet",
        "venue_address": "Nordenskiöldsgatan 1, 211 19 Malmö",
        "stream_url": "https://stream.example.org/msi/sociala-investeringar",
        "starts_at": _at(2027, 2, 10, 8, 30),
        "ends_at": _at(2027, 2, 10, 10, 0),
        "rooms": [("Seminarierummet", 60)],
        "tracks": [],
    },
    {
        "slug": "iop-webbinarium-2027",
        "kind": EventKind.SEMINAR,
        "format": EventFormat.ONLINE,
        "name_sv": "Webbinarium: Idéburet offentligt partnerskap i praktiken",
        "name_en": "Webinar: Public–civil society partnerships in practice",
        "description_sv": (
            "Idéburet offentligt partnerskap (IOP) – när passar det, och hur gör man? "
            "En region och en idéburen organisation går igenom ett partnerskap från "
            "början till slut."
        ),
        "description_en": (
            "Public–civil society partnerships (IOP): when do they fit, and how do you "
            "set one up? A region and a non-profit walk through one partnership from "
            "start to finish."
        ),
        "venue_name": "",
        "venue_address": "",
        "stream_url": "https://stream.example.org/msi/iop",
        "starts_at": _at(2027, 3, 16, 13, 0),
        "ends_at": _at(2027, 3, 16, 14, 30),
        "rooms": [],
        "tracks": [],
    },
]

USERS = [
    # email, name, password?, site admin?, role on summit2027
    ("admin@example.org", "Astrid Lindqvist", True, True, None),
    ("arrangor@example.org", "Omar Haddad", True, False, Role.ORGANIZER),
    ("granskare@example.org", "Karin Nyström", True, False, Role.REVIEWER),
    ("entre@example.org", "Elias Berg", True, False, Role.DOOR),
    ("talare@example.org", "Fatima Ahmed", False, False, None),
    ("deltagare@example.org", "Johan Svensson", False, False, None),
]


def ensure_event(spec: dict) -> Event:
    event = db.session.scalar(select(Event).where(Event.slug == spec["slug"]))
    if event is None:
        fields = {k: v for k, v in spec.items() if k not in ("rooms", "tracks")}
        event = Event(**fields, status=EventStatus.PUBLISHED, published_at=spec["starts_at"])
        db.session.add(event)
    existing_rooms = {room.name for room in event.rooms}
    for position, (name, capacity) in enumerate(spec["rooms"]):
        if name not in existing_rooms:
            event.rooms.append(Room(name=name, capacity=capacity, position=position))
    existing_tracks = {track.name_sv for track in event.tracks}
    for position, (name_sv, name_en, color) in enumerate(spec["tracks"]):
        if name_sv not in existing_tracks:
            event.tracks.append(
                Track(name_sv=name_sv, name_en=name_en, color=color, position=position)
            )
    return event


def _ensure_user(email: str, name: str, with_password: bool, admin: bool) -> User:
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(
            email, name=name, password=DEMO_PASSWORD if with_password else None
        )
    user.is_site_admin = admin
    return user


def create_demo() -> list[str]:
    events = [ensure_event(spec) for spec in EVENTS]
    db.session.commit()
    summit = events[0]
    lines = ["Demo data is ready.", "", "Events:"]
    lines += [f"  /events/{event.slug}/  {event.name_sv}" for event in events]
    lines += ["", f"Sign in at /login (password for all with one: {DEMO_PASSWORD}):"]
    for email, name, with_password, admin, role in USERS:
        user = _ensure_user(email, name, with_password, admin)
        db.session.commit()
        if role is not None:
            accounts.grant_role(summit, email, role, None)
        what = "site admin" if admin else (f"{role.value} of summit2027" if role else "")
        how = "password" if with_password else "emailed link (read it at /manage/outbox)"
        lines.append(f"  {user.email:<24} {what or 'speaker/attendee':<26} sign in by {how}")
    create_demo_questions(summit)
    sales = create_demo_sales(events)
    if sales:
        lines += ["", "Paid attendees:", *sales]
    lines += create_demo_addons(summit)
    lines += ["", "Buy a ticket: /events/summit2027/tickets/"]
    lines += [f"  speaker access code: {speaker_code(summit)}"]
    lines += ["One-use speaker voucher (more under Tickets → Vouchers):"]
    lines += create_demo_vouchers(summit)
    lines += create_demo_waiting_list(summit)
    lines += create_demo_cfp(summit)
    lines += create_demo_program(summit)
    lines += create_demo_checkin(summit)
    lines += create_demo_branding(summit)
    lines += create_demo_surveys(summit)  # after the check-ins: it went to those let in
    if answer_demo_orders(summit):  # after every part that makes orders
        lines += ["", "Registration questions answered (sektor, diet, photo consent)."]
    lines += create_demo_last_year(summit)
    lines += create_demo_feedback(summit)  # after the check-ins and the sektor answers
    return lines
