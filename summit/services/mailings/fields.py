"""The fields a mailing's text may use, filled in per recipient: {namn} or {name}, the
order link, the event's name. Each has a Swedish and an English spelling; a word in
braces that names no field is refused when the mailing is saved, so nobody receives a
literal "{nman}"."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from .errors import MailingError

FIELD = re.compile(r"\{([^{}\s]{1,40})\}")


@dataclass(frozen=True)
class Field:
    sv: str
    en: str
    key: str  # what it is filled with (services/mailings/sending.Values)
    description: object


FIELDS = [
    Field("namn", "name", "name", _l("The recipient's name")),
    Field("orderlänk", "order_link", "link", _l("Link to their order (or to Mina biljetter)")),
    Field("evenemang", "event", "event", _l("The event's name")),
]
_BY_NAME = {name: f.key for f in FIELDS for name in (f.sv, f.en)}


def check(text: str, field_name: str) -> None:
    """Refuse (MailingError) a text with a word in braces that is no field."""
    for match in FIELD.finditer(text):
        if match.group(1).lower() not in _BY_NAME:
            raise MailingError(
                "unknown_field",
                field_name,
                name="{" + match.group(1) + "}",
                names=", ".join("{" + f.sv + "}" for f in FIELDS),
            )


def fill(text: str, values: dict[str, str]) -> str:
    """The text with every field replaced by its value (plain text: a name is never read
    as a field, the replacement runs once over the text as written)."""
    return FIELD.sub(lambda m: values.get(_BY_NAME.get(m.group(1).lower(), ""), m.group(0)), text)
