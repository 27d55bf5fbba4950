"""Why a change to the call for speakers was refused, in words a view can show."""

from flask_babel import gettext as _

from ..refusal import Refusal


class CfpError(Refusal):
    """A refused change; nothing was stored. `reason` names the rule, `field` the form
    field it is about (None: the whole form), `message` is the text to show."""


class TransitionError(CfpError):
    """The proposal's state does not allow the action."""


class NotAllowed(CfpError):
    """The person may not do this to this proposal."""


class StaleEdit(CfpError):
    """The form was filled in on an older version of the proposal."""


class LinkRefused(CfpError):
    """An invitation or confirmation link that is tampered with, used, or someone else's."""


class PhotoError(CfpError):
    """An uploaded photo that is too large, or not a JPEG, PNG or WebP image."""


_MESSAGES = {
    "invalid_url": lambda p: _("Enter a web address that starts with https:// or http://."),
    "invalid_code": lambda p: _("Use letters, digits and dashes only (at most 64)."),
    "code_taken": lambda p: _("This code already exists."),
    "guessable_code": lambda p: _(
        "Too easy to guess: use at least 8 characters, and not a word and a year."
    ),
    "duplicate_option": lambda p: _("Two options have the same text."),
    "options_needed": lambda p: _("A choice needs at least two options."),
    "closes_before_opens": lambda p: _("The call must close after it opens."),
    "call_closed": lambda p: _(
        "The call for speakers is closed: proposals can no longer be submitted or changed."
    ),
    "call_not_open": lambda p: _("The call for speakers has not opened yet."),
    "unknown_code": lambda p: _("Unknown access code."),
    "code_expired": lambda p: _("This access code is no longer valid."),
    "code_used_up": lambda p: _("This access code has already been used as often as it may."),
    "stale": lambda p: _(
        "The proposal was changed meanwhile (in another window or by a co-speaker). "
        "Reload the page to see the latest version."
    ),
    "transition": lambda p: _(
        "Not possible while the proposal is “%(state)s”.", state=p["state"].label
    ),
    "withdraw_confirmed": lambda p: _(
        "A confirmed session cannot be withdrawn here: please contact the organizers."
    ),
    "not_speaker": lambda p: _("Only the proposal's speakers can do this."),
    "not_primary": lambda p: _("Only the speaker who submitted the proposal can do this."),
    "not_organizer": lambda p: _("Only the event's organizers can do this."),
    "too_many_co_speakers": lambda p: _("At most %(n)d co-speakers.", n=p["n"]),
    "already_speaker": lambda p: _("This person is already a speaker of the proposal."),
    "invitation_invalid": lambda p: _(
        "This invitation link is not valid (any more). Ask the speaker who invited you to "
        "send a new one."
    ),
    "invitation_other_user": lambda p: _(
        "This invitation was sent to another email address. Sign in with the address it "
        "was sent to."
    ),
    "link_invalid": lambda p: _("This link is not valid or has already been used."),
    "not_reviewer": lambda p: _("You are not a reviewer of this proposal."),
    "own_proposal": lambda p: _("You cannot review a proposal you are a speaker of."),
    "not_reviewable": lambda p: _("This proposal cannot be reviewed now."),
    "no_criteria": lambda p: _("The committee has not set any review criteria yet."),
    "score_missing": lambda p: _("Give every criterion a score from 1 to 5."),
    "unknown_placeholder": lambda p: _(
        "Unknown placeholder {%(name)s}. You can use: %(allowed)s.",
        name=p["name"],
        allowed=p["allowed"],
    ),
    "confirm_url_needed": lambda p: _(
        "The acceptance email must contain {confirm_url}: the link the speaker confirms with."
    ),
    "photo_empty": lambda p: _("Choose a photo to upload."),
    "photo_too_large": lambda p: _("The photo is larger than %(mb)d MB.", mb=p["mb"]),
    "photo_type": lambda p: _("The photo must be a JPEG, PNG or WebP image."),
    "mixed_events": lambda p: _("The proposals belong to different events."),
    "name_taken": lambda p: _("Another track already has this name."),
    "invalid_color": lambda p: _("Enter a colour as # and six hexadecimal digits, e.g. #1f5f8b."),
}

CfpError.messages = _MESSAGES
