"""Data holders of people themselves (registry.py): consents, the call for speakers
(proposals, speaker profiles), group mail, the mail sent, and the account."""

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select, update

from ...extensions import db
from ...models import (
    AccessibilityReport,
    Consent,
    DataAccess,
    MailingRecipient,
    MailSubscription,
    OutboxMessage,
    ProgramRelease,
    ProgramSession,
    Proposal,
    ProposalSpeaker,
    SpeakerProfile,
    User,
)
from .holders_tickets import when


def account(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


class Consents:
    """Consents given outside the registration form (participant list, newsletter)."""

    @staticmethod
    def _rows(email: str) -> list[Consent]:
        return list(
            db.session.scalars(select(Consent).where(Consent.email == email).order_by(Consent.id))
        )

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        return [
            {
                _("Consent"): str(consent.purpose.label),
                _("Event"): consent.event.name if consent.event else "",
                _("Text agreed to"): consent.text,
                _("Given"): when(consent.given_at),
                _("Withdrawn"): when(consent.withdrawn_at),
            }
            for consent in Consents._rows(email)
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        for consent in Consents._rows(email):
            db.session.delete(consent)
        return ""


def _speaker_rows(email: str) -> list[ProposalSpeaker]:
    user = account(email)
    match = func.lower(ProposalSpeaker.email) == email
    if user is not None:
        match = or_(match, ProposalSpeaker.user_id == user.id)
    return list(
        db.session.scalars(select(ProposalSpeaker).where(match).order_by(ProposalSpeaker.id))
    )


def in_published_program(proposal: Proposal) -> bool:
    """The proposal became a session of a program release already published."""
    token = db.session.scalar(
        select(ProgramSession.token).where(ProgramSession.proposal_id == proposal.id)
    )
    if token is None:
        return False
    snapshots = db.session.scalars(
        select(ProgramRelease.snapshot).where(ProgramRelease.event_id == proposal.event_id)
    )
    return any(token in {s["token"] for s in snap.get("sessions", [])} for snap in snapshots)


class Speakers:
    """Proposals to calls for speakers, and the speaker profile."""

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        records = []
        user = account(email)
        profile = user and db.session.scalar(
            select(SpeakerProfile).where(SpeakerProfile.user_id == user.id)
        )
        if profile:
            records.append(
                {
                    _("Record"): _("Speaker profile"),
                    _("Name"): profile.display_name,
                    _("Organisation"): profile.organisation,
                    _("Title"): profile.title,
                    _("Biography"): profile.bio,
                    _("Pronouns"): profile.pronouns,
                    _("Photo"): _("Yes") if profile.has_photo else _("No"),
                }
            )
        for row in _speaker_rows(email):
            proposal = row.proposal
            records.append(
                {
                    _("Record"): _("Proposal"),
                    _("Event"): proposal.event.name,
                    _("Title"): proposal.title,
                    _("Abstract"): proposal.abstract,
                    _("Description"): proposal.description,
                    _("Status"): str(proposal.state.label),
                    _("Submitted"): when(proposal.submitted_at),
                    _("Answers"): "; ".join(f"{v}" for v in (proposal.answers or {}).values()),
                }
            )
        return records

    @staticmethod
    def erase_person(email: str) -> str:
        kept = []
        for row in _speaker_rows(email):
            proposal = row.proposal
            if in_published_program(proposal):
                kept.append(proposal.title)
                db.session.delete(row)
            elif len(proposal.speakers) > 1:
                db.session.delete(row)
            else:
                db.session.delete(proposal)
        db.session.flush()
        if not kept:
            return ""
        return _(
            "Published program: %(titles)s stays as the public record of the program already "
            "published, with your name, organisation and biography as its speaker in those "
            "releases.",
            titles=", ".join(_("“%(title)s”", title=t) for t in kept),
        )


class Mailings:
    """Group mail sent to the person, and their choice about it."""

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        records = [
            {
                _("Group mail"): row.mailing.subject_sv,
                _("Name"): row.name,
                _("Email"): row.email,
                _("Sent"): when(row.created_at),
            }
            for row in db.session.scalars(
                select(MailingRecipient)
                .where(MailingRecipient.email == email)
                .order_by(MailingRecipient.id)
            )
        ]
        subscription = _subscription(email)
        if subscription and subscription.unsubscribed_at:
            records.append(
                {
                    _("Group mail"): _("Unsubscribed"),
                    _("Email"): subscription.email,
                    _("Sent"): when(subscription.unsubscribed_at),
                }
            )
        return records

    @staticmethod
    def erase_person(email: str) -> str:
        for row in db.session.scalars(
            select(MailingRecipient).where(MailingRecipient.email == email)
        ):
            row.email, row.name = f"erased-{row.id}", ""
        subscription = _subscription(email)
        if subscription is None:
            return ""
        if subscription.unsubscribed_at is None:
            db.session.delete(subscription)
            return ""
        return _(
            "Group mail: your address stays on the list of those who unsubscribed, so that "
            "no group mail reaches it again."
        )


def _subscription(email: str) -> MailSubscription | None:
    return db.session.scalar(select(MailSubscription).where(MailSubscription.email == email))


class Outbox:
    """The mail the system sent the person (kept in the outbox for support)."""

    @staticmethod
    def _messages(email: str):
        return select(OutboxMessage).where(func.lower(OutboxMessage.to_address) == email)

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        return [
            {_("Subject"): m.subject, _("To"): m.to_address, _("Sent"): when(m.sent_at)}
            for m in db.session.scalars(Outbox._messages(email).order_by(OutboxMessage.id))
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        for message in db.session.scalars(Outbox._messages(email)):
            db.session.delete(message)
        return ""


class AccessibilityReports:
    """Problems the person reported with the site's accessibility: the report stays
    (what was wrong), without who sent it."""

    @staticmethod
    def _reports(email: str):
        return select(AccessibilityReport).where(func.lower(AccessibilityReport.email) == email)

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        return [
            {
                _("Sent"): when(r.created_at),
                _("Page:"): r.page,
                _("Name:"): r.name,
                _("What did not work?"): r.description,
            }
            for r in db.session.scalars(
                AccessibilityReports._reports(email).order_by(AccessibilityReport.id)
            )
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        for report in db.session.scalars(AccessibilityReports._reports(email)):
            report.name = report.email = ""
        return ""


class Accounts:
    """The account (with its login sessions, roles, speaker profile and availability)."""

    @staticmethod
    def export_person(email: str) -> list[dict[str, str]]:
        user = account(email)
        if user is None:
            return []
        return [
            {
                _("Email"): user.email,
                _("Name"): user.name,
                _("Language"): user.locale or "",
                _("Created"): when(user.created_at),
                _("Last signed in"): when(user.last_login_at),
                _("Roles"): ", ".join(f"{r.role.label} ({r.event.name})" for r in user.roles),
            }
        ]

    @staticmethod
    def erase_person(email: str) -> str:
        """The account goes. The access log keeps what the person exported of others'
        data as an organizer (accountability); their own art. 15 exports lose the name."""
        user = account(email)
        if user is not None:
            db.session.flush()
            db.session.execute(delete(User).where(User.id == user.id))
            db.session.expunge(user)
        mine = func.lower(DataAccess.user_email) == email
        db.session.execute(
            update(DataAccess)
            .where(mine, DataAccess.what == "person_export")
            .values(user_email="", user_id=None)
            .execution_options(synchronize_session=False)
        )
        if db.session.scalar(select(func.count(DataAccess.id)).where(mine)):
            return _(
                "Access log: the exports of personal data you made for events you organized "
                "stay, as the record of who saw whose data."
            )
        return ""
