"""The data holders: every part of the system that keeps personal data, each able to
export what it holds about one person (art. 15) and erase it (art. 17).

A holder is a module (or any object) with two functions, both matching the email in
any case:

- ``export_person(email) -> list[dict[str, str]]``: one dict per record, its keys
  labels a person can read;
- ``erase_person(email) -> str``: erase or anonymise what is not needed any more, in
  the caller's transaction (no commit); return one line saying what was kept and why,
  or "" when nothing was kept.

Registering one is one line in HOLDERS. Their order is the erasure's: the accounts
go last, as the other holders find the person's rows through them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from flask_babel import lazy_gettext as _l

from ..certificates import privacy as certificate_privacy
from ..feedback import privacy as feedback_privacy
from ..meeting import privacy as meeting_privacy
from ..surveys import privacy as survey_privacy
from . import holders_people, holders_tickets


@dataclass(frozen=True)
class Holder:
    key: str  # the export file's section name
    export_person: Callable[[str], list[dict[str, str]]]
    erase_person: Callable[[str], str]


def holder(key: str, module: ModuleType | object) -> Holder:
    return Holder(key, module.export_person, module.erase_person)


HOLDERS: list[Holder] = [
    holder("registration_answers", holders_tickets.Answers),
    holder("consents", holders_people.Consents),
    holder("waiting_lists", holders_tickets.WaitingLists),
    holder("check_ins", holders_tickets.Checkins),
    holder("badges", holders_tickets.Badges),
    holder("call_for_speakers", holders_people.Speakers),
    holder("group_mail", holders_people.Mailings),
    holder("mail_sent", holders_people.Outbox),
    holder("accessibility_reports", holders_people.AccessibilityReports),
    holder("session_feedback", feedback_privacy),
    holder("participant_list", meeting_privacy),
    holder("surveys", survey_privacy),
    holder("certificates", certificate_privacy),
    # Orders and the account last: the holders above find the person's tickets and
    # proposals through the addresses and the account these erase.
    holder("orders", holders_tickets.Orders),
    holder("account", holders_people.Accounts),
]


# What a person reads as each holder's heading (a holder without one: its key).
LABELS = {
    "registration_answers": _l("Registration answers"),
    "consents": _l("Consents"),
    "waiting_lists": _l("Waiting lists"),
    "check_ins": _l("Check-ins"),
    "badges": _l("Badges"),
    "call_for_speakers": _l("Call for speakers"),
    "group_mail": _l("Group mail"),
    "mail_sent": _l("Mail we sent you"),
    "accessibility_reports": _l("Accessibility reports"),
    "orders": _l("Orders and tickets"),
    "account": _l("Account"),
    "session_feedback": _l("Session feedback"),
    "participant_list": _l("Participant list"),
    "surveys": _l("Surveys"),
    "certificates": _l("Certificates"),
}


def section_label(key: str) -> str:
    return str(LABELS.get(key, key))


def normalised(email: str) -> str:
    return (email or "").strip().lower()


def export_person(email: str) -> dict[str, list[dict[str, str]]]:
    """Everything every holder keeps about the person, by holder (empty ones left out)."""
    email = normalised(email)
    found = {h.key: h.export_person(email) for h in HOLDERS}
    return {key: records for key, records in found.items() if records}


def erase_person(email: str) -> list[str]:
    """Each holder erases the person, in order (the caller's transaction); what was kept
    and why, one line per holder that kept something."""
    email = normalised(email)
    return [line for line in (h.erase_person(email) for h in HOLDERS) if line]
