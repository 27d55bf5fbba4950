"""Organizers' pages of the call for speakers (continued): the reviewers, and the
decision table (sorted and filtered by links and a GET form, so every view of it is a
link) with its bulk actions."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields import SelectChoice

from ...access import event_role_required
from ...extensions import db
from ...forms import show_refusal
from ...models import DecisionKind, ProposalState, ReviewMode, Role, User
from ...services.cfp import CfpError, cfp_setup
from ...services.cfp.decisions import ACTIONS
from ...services.cfp.review_results import SORTS, decision_table
from ...services.cfp.reviews import (
    assign,
    is_own_proposal,
    proposals_to_review,
    reviewer_track_ids,
    reviewers_of,
    set_reviewer_tracks,
)
from ...services.cfp.speakers import display_name_of, profiles_for
from .manage import ORGANIZER, event_proposals, reviewer_choices
from .manage_forms import AssignForm, ReviewerTracksForm, TableFilterForm

# The decision table's columns that sort, in order, and their first direction.
COLUMNS = [
    ("title", _l("Title"), "asc"),
    ("track", _l("Track"), "asc"),
    ("format", _l("Format"), "asc"),
    ("state", _l("State"), "asc"),
    ("count", _l("Reviews"), "desc"),
    ("mean", _l("Mean"), "desc"),
    ("median", _l("Median"), "desc"),
]
DECIDED_STATES = [s for s in ProposalState if s is not ProposalState.DRAFT]


# Reviewers ------------------------------------------------------------------------------


def _reviewers_page(forms=None, status=200):
    call = cfp_setup.get_call(g.event)
    tracks = list(g.event.tracks)
    rows = []
    for reviewer in reviewers_of(g.event):
        visible = proposals_to_review(reviewer, g.event)
        scored = sum(1 for p in visible if any(r.reviewer_id == reviewer.id for r in p.reviews))
        form = (forms or {}).get(reviewer.id)
        if form is None:
            chosen = reviewer_track_ids(g.event, reviewer)
            form = ReviewerTracksForm(formdata=None, prefix=f"r{reviewer.id}", tracks=chosen)
        form.tracks.choices = [SelectChoice(t.id, t.name) for t in tracks]
        rows.append({"user": reviewer, "visible": len(visible), "scored": scored, "form": form})
    return (
        render_template(
            "speakers/manage/reviewers.html",
            event=g.event,
            call=call,
            rows=rows,
            tracks=tracks,
            ReviewMode=ReviewMode,
        ),
        status,
    )


@event_role_required(ORGANIZER)
def manage_reviewers(slug):
    return _reviewers_page()


@event_role_required(ORGANIZER)
def manage_reviewer_tracks(slug, reviewer_id):
    reviewer = db.session.get(User, reviewer_id)
    if reviewer is None or not reviewer.has_role(g.event, Role.REVIEWER):
        abort(404)
    form = ReviewerTracksForm(prefix=f"r{reviewer.id}")
    form.tracks.choices = [SelectChoice(t.id, t.name) for t in g.event.tracks]
    if form.validate_on_submit():
        try:
            set_reviewer_tracks(g.event, reviewer, form.tracks.data or [], current_user)
        except CfpError as error:
            show_refusal(error, form)
        else:
            flash(_("The tracks of %(name)s are saved.", name=reviewer.display_name), "success")
            return redirect(url_for("speakers.manage_reviewers", slug=slug))
    return _reviewers_page({reviewer.id: form}, 422)


# The decision table ---------------------------------------------------------------------


class TableView:
    """The table's sort and filters as read from the query string (anything unknown is
    left out), and the links that keep them."""

    def __init__(self, args, call):
        self.sort = args.get("sort") if args.get("sort") in SORTS else "mean"
        first = {key: direction for key, _label, direction in COLUMNS}.get(self.sort, "desc")
        self.direction = args.get("dir") if args.get("dir") in ("asc", "desc") else first
        self.state = next((s for s in DECIDED_STATES if s.value == args.get("state")), None)
        track_ids = {t.id: t for t in g.event.tracks}
        self.track = track_ids.get(args.get("track", type=int))
        formats = {f.id: f for f in call.formats} if call else {}
        self.format = formats.get(args.get("format", type=int))
        self.filters = {
            key: value
            for key, value in (
                ("state", self.state.value if self.state else None),
                ("track", self.track.id if self.track else None),
                ("format", self.format.id if self.format else None),
            )
            if value is not None
        }

    def url(self, **changes):
        values = {"sort": self.sort, "dir": self.direction, **self.filters, **changes}
        return url_for("speakers.manage_proposals", slug=g.event.slug, **values)

    def sort_url(self, key: str) -> str:
        """Sorted by the column; again on the sorted column turns the direction."""
        if key == self.sort:
            return self.url(dir="asc" if self.direction == "desc" else "desc")
        first = {k: direction for k, _label, direction in COLUMNS}[key]
        return self.url(sort=key, dir=first)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "ascending" if self.direction == "asc" else "descending"


def _filter_form(view: TableView, call) -> TableFilterForm:
    form = TableFilterForm(formdata=None)
    form.state.choices = [SelectChoice("", _l("All states"))] + [
        SelectChoice(s.value, s.label) for s in DECIDED_STATES
    ]
    form.track.choices = [SelectChoice("", _l("All tracks"))] + [
        SelectChoice(str(t.id), t.name) for t in g.event.tracks
    ]
    form.format.choices = [SelectChoice("", _l("All formats"))] + [
        SelectChoice(str(f.id), f.name) for f in (call.formats if call else [])
    ]
    form.sort.choices = [SelectChoice(key, label) for key, label, _first in COLUMNS]
    form.dir.choices = [
        SelectChoice("asc", _l("Ascending")),
        SelectChoice("desc", _l("Descending")),
    ]
    form.sort.data, form.dir.data = view.sort, view.direction
    form.state.data = view.state.value if view.state else ""
    form.track.data = str(view.track.id) if view.track else ""
    form.format.data = str(view.format.id) if view.format else ""
    return form


def decision_buttons() -> list[tuple[DecisionKind, str]]:
    order = (DecisionKind.ACCEPTED, DecisionKind.WAITLISTED, DecisionKind.REJECTED)
    return [(kind, ACTIONS[kind].label) for kind in order]


def speaker_lines(proposals) -> dict[int, str]:
    """ "Name (Organisation), Name" per proposal id, the profiles read in one query."""
    user_ids = {s.user_id for p in proposals for s in p.accepted_speakers}
    db.session.scalars(select(User).where(User.id.in_(user_ids))).all()  # one query, not one each
    profiles = profiles_for(user_ids)
    lines = {}
    for proposal in proposals:
        names = []
        for speaker in proposal.accepted_speakers:
            profile = profiles.get(speaker.user_id)
            name = display_name_of(speaker.user, speaker.email, profile)
            if profile and profile.organisation:
                name = f"{name} ({profile.organisation})"
            names.append(name)
        lines[proposal.id] = ", ".join(names)
    return lines


def _proposals_page(assign_form: AssignForm | None = None, status: int = 200):
    call = cfp_setup.get_call(g.event)
    view = TableView(request.args, call)
    rows = decision_table(
        g.event,
        states=[view.state] if view.state else None,
        track_id=view.track.id if view.track else None,
        format_id=view.format.id if view.format else None,
        sort=view.sort,
        descending=view.direction == "desc",
    )
    if assign_form is None:
        assign_form = AssignForm(formdata=None)
    assign_form.reviewer.choices = reviewer_choices()
    return (
        render_template(
            "speakers/manage/proposals.html",
            event=g.event,
            call=call,
            rows=rows,
            view=view,
            columns=COLUMNS,
            filter_form=_filter_form(view, call),
            assign_form=assign_form,
            decision_buttons=decision_buttons(),
            row_speakers=speaker_lines([row.proposal for row in rows]),
        ),
        status,
    )


@event_role_required(ORGANIZER)
def manage_proposals(slug):
    return _proposals_page()


@event_role_required(ORGANIZER)
def manage_assign(slug):
    """Give the ticked proposals to a reviewer (all or none: a proposal the reviewer is a
    speaker of refuses the lot)."""
    by_token = event_proposals()
    form = AssignForm()
    form.proposals.choices = list(by_token)
    form.reviewer.choices = reviewer_choices()
    if form.validate_on_submit():
        reviewer = db.session.get(User, form.reviewer.data)
        chosen = [by_token[token] for token in form.proposals.data]
        own = [p.title for p in chosen if is_own_proposal(reviewer, p)]
        if own:
            form.proposals.errors.append(
                _(
                    "%(name)s is a speaker of: %(titles)s. Nothing was assigned.",
                    name=reviewer.display_name,
                    titles="; ".join(own),
                )
            )
        else:
            for proposal in chosen:
                assign(proposal, reviewer, current_user)
            flash(
                ngettext(
                    "%(num)d proposal given to %(name)s.",
                    "%(num)d proposals given to %(name)s.",
                    len(chosen),
                    name=reviewer.display_name,
                ),
                "success",
            )
            return redirect(url_for("speakers.manage_proposals", slug=slug))
    return _proposals_page(form, 422)
