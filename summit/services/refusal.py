"""A refused change, in words a view can show: the base of the services' errors.

A service that refuses raises a Refusal (a ValueError) with nothing stored: `reason`
names the rule, `field` the form field it is about (None: the whole form), `params`
what the words need, `detail` what str() says instead of "field: reason" (for logs and
the command line, in English). Each domain's subclass brings its own `messages` (reason →
function of params giving the translated text); reasons not found there are looked up
in its base classes, down to the common ones below.
"""

from collections.abc import Callable

from flask_babel import gettext as _

Messages = dict[str, Callable[[dict], str]]


class Refusal(ValueError):
    messages: Messages = {
        "required": lambda p: _("This field is required."),
        "too_long": lambda p: _("At most %(n)d characters.", n=p["n"]),
        "range": lambda p: _(
            "Enter a number from %(low)d to %(high)d.", low=p["low"], high=p["high"]
        ),
        "invalid_choice": lambda p: _("Choose one of the options."),
        "invalid_email": lambda p: _("Enter a valid email address."),
        "nonexistent_time": lambda p: _(
            "That time does not exist in %(zone)s: the clocks are moved forward that night. "
            "Choose another time.",
            zone=p["zone"],
        ),
    }

    def __init__(self, reason: str, field: str | None = None, *, detail: str = "", **params):
        super().__init__(detail or (f"{field}: {reason}" if field else reason))
        self.reason, self.field, self.params = reason, field, params

    @property
    def message(self) -> str:
        for cls in type(self).__mro__:
            text = cls.__dict__.get("messages", {}).get(self.reason)
            if text is not None:
                return text(self.params)
        return self.reason
