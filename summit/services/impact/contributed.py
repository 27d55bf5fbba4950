"""The parts of the impact report that other capabilities hold the data of: what people
thought of the sessions (feedback/) and what they answered in the surveys (surveys/, the
follow-up months later among them), each also by sector. Each is a parts.Section, or
nothing when there is nothing yet."""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import case, exists, func, select

from ...extensions import db
from ...models import (
    Event,
    Order,
    SessionRating,
    Survey,
    SurveyRecipient,
    SurveyResponse,
    Ticket,
)
from ..feedback.results import SessionAggregate, session_aggregates
from ..surveys.results import survey_results
from ..surveys.setup import surveys_of
from ..tickets.answers import matching_ticket_ids
from . import charts
from .figures import sector_of_ticket
from .parts import Section, Table

# A session's mean counts among the best and worst only with this many ratings.
MIN_RATINGS = 3
SHOWN = 5


def sections(event: Event, question, sector_label, sector: str | None = None) -> list[Section]:
    """Every contributed part there is something to show of; the surveys' results of
    one sector's people when `sector` is a key of the sector question's answers."""
    found = [ratings_section(event, question, sector_label)]
    found += [survey_section(s, question, sector_label, sector) for s in surveys_of(event)]
    return [s for s in found if s is not None]


def ratings_section(event: Event, question, sector_label) -> Section | None:
    """The best and the worst rated sessions, the mean per track and per sector of
    those who rated; None before anyone has rated."""
    rated = [a for a in session_aggregates(event) if a.count]
    if not rated:
        return None
    ranked = sorted(
        (a for a in rated if a.count >= MIN_RATINGS), key=lambda a: (-a.mean, -a.count, a.title)
    )
    header = [_("Session"), _("Track"), _("Ratings"), _("Mean (1–5)")]
    tables = []
    if ranked:
        best = ranked[:SHOWN]
        tables.append(
            Table("ratings-best", _("Rated best"), header, [_session_row(a) for a in best])
        )
    if len(ranked) > SHOWN:
        worst = sorted(ranked, key=lambda a: (a.mean, -a.count, a.title))[:SHOWN]
        tables.append(
            Table("ratings-worst", _("Rated lowest"), header, [_session_row(a) for a in worst])
        )
    tracks = _means([(a.track or _("No track"), a.count, a.mean * a.count) for a in rated])
    tables.append(
        Table(
            "ratings-tracks",
            _("By track"),
            [_("Track"), _("Ratings"), _("Mean (1–5)")],
            [[name, count, mean] for name, count, mean in tracks],
        )
    )
    sectors = _means(
        [(sector_label(key), count, total) for key, count, total in _by_sector(event, question)]
    )
    if question is not None:
        tables.append(
            Table(
                "ratings-sectors",
                _("By sector of those who rated"),
                [_("Sector"), _("Ratings"), _("Mean (1–5)")],
                [[name, count, mean] for name, count, mean in sectors],
            )
        )
    count = sum(a.count for a in rated)
    mean = sum(a.mean * a.count for a in rated) / count
    chart_rows = tracks if len(tracks) > 1 or question is None else sectors
    chart = charts.bar_chart(
        _("Mean rating by track") if chart_rows is tracks else _("Mean rating by sector"),
        _("The mean of the ratings, 1 to 5; the table has them with how many rated."),
        [name for name, _count, _mean in chart_rows],
        [charts.Series(_("Mean (1–5)"), [round(m, 1) for _name, _count, m in chart_rows])],
    )
    return Section(
        "ratings",
        _("What people thought of the sessions"),
        charts=[chart],
        tables=tables,
        notes=[
            " ".join(
                (
                    ngettext(
                        "%(num)d rating of %(sessions)s, a mean of %(mean)s.",
                        "%(num)d ratings of %(sessions)s, a mean of %(mean)s.",
                        count,
                        sessions=ngettext("%(num)d session", "%(num)d sessions", len(rated)),
                        mean=f"{mean:.1f}".replace(".", ","),
                    ),
                    _(
                        "The best and the lowest count only sessions with at least %(least)d "
                        "ratings.",
                        least=MIN_RATINGS,
                    ),
                )
            )
        ],
    )


def _session_row(aggregate: SessionAggregate) -> list:
    return [aggregate.title, aggregate.track, aggregate.count, round(aggregate.mean, 2)]


def _means(rows) -> list[tuple[str, int, float]]:
    """(name, ratings, mean) from (name, ratings, sum of scores), names merged, in order
    of the most ratings."""
    merged: dict[str, list] = {}
    for name, count, total in rows:
        entry = merged.setdefault(name, [0, 0.0])
        entry[0] += count
        entry[1] += total
    return sorted(
        (
            (name, count, round(total / count, 2))
            for name, (count, total) in merged.items()
            if count
        ),
        key=lambda row: (-row[1], row[0]),
    )


def _by_sector(event: Event, question) -> list[tuple[str, int, float]]:
    """(sector key, ratings, sum of scores) by the sector of whoever rated; a rating whose
    person was erased counts without a sector."""
    sector, joins = sector_of_ticket(question)
    query = (
        select(sector, func.count(SessionRating.id), func.sum(SessionRating.score))
        .select_from(SessionRating)
        .join(Ticket, Ticket.id == SessionRating.ticket_id, isouter=True)
        .join(Order, Order.id == Ticket.order_id, isouter=True)
        .where(SessionRating.session.has(event_id=event.id))
    )
    for target, on in joins:
        query = query.outerjoin(target, on)
    return [
        (key or "", int(count), float(total or 0))
        for key, count, total in db.session.execute(query.group_by(sector))
    ]


# Surveys ------------------------------------------------------------------------------


def survey_section(survey: Survey, question, sector_label, sector: str | None) -> Section | None:
    """A sent survey's results: how many answered (by sector), each question's answers
    counted (a chart of each question with choices), numbers' means, the free text. With
    `sector`, the results of that sector's people alone."""
    if survey.sent_at is None:
        return None
    among = None
    if sector and question is not None:
        among = matching_ticket_ids(survey.event, question, sector)
    found = survey_results(survey, among=among)
    title = survey.title if among is None else f"{survey.title} ({sector_label(sector)})"
    tables = [
        Table(
            f"survey-{survey.id}",
            _("Who answered"),
            [_("Recipients"), _("Answered"), _("Response rate")],
            [[found.sent, found.responses, found.response_rate if found.sent else None]],
            frozenset({2}),
        )
    ]
    if question is not None and among is None:
        tables.append(_responses_by_sector(survey, question, sector_label))
    drawn, texts = [], []
    for result in found.questions:
        asked = result.question.label
        if result.is_free_text:
            if result.texts:
                texts.append((asked, result.texts))
            continue
        rows = [[c.label, c.count, c.share] for c in result.counts]
        if result.mean is not None:
            rows.append([_("Mean"), round(result.mean, 2), None])
        tables.append(
            Table(
                f"survey-{survey.id}-q{result.question.id}",
                asked,
                [_("Answer"), _("Number"), _("Share")],
                rows,
                frozenset({2}),
            )
        )
        if result.counts and result.mean is None:
            drawn.append(
                charts.bar_chart(
                    asked,
                    _("How many gave each answer; the table has the shares."),
                    [c.label for c in result.counts],
                    [charts.Series(_("Answers"), [c.count for c in result.counts])],
                )
            )
    return Section(
        f"survey-{survey.id}",
        _("Survey: %(title)s", title=title),
        charts=drawn,
        tables=tables,
        free_text=texts,
    )


def _responses_by_sector(survey: Survey, question, sector_label) -> Table:
    """Whom the survey went to and who answered, by their sector: one query."""
    sector, joins = sector_of_ticket(question)
    answered = exists().where(SurveyResponse.recipient_id == SurveyRecipient.id)
    query = (
        select(sector, func.count(SurveyRecipient.id), func.sum(case((answered, 1), else_=0)))
        .select_from(SurveyRecipient)
        .join(Ticket, Ticket.id == SurveyRecipient.ticket_id, isouter=True)
        .join(Order, Order.id == Ticket.order_id, isouter=True)
        .where(SurveyRecipient.survey_id == survey.id)
    )
    for target, on in joins:
        query = query.outerjoin(target, on)
    rows = [
        [
            sector_label(key or ""),
            int(sent),
            int(done or 0),
            int(done or 0) / sent if sent else None,
        ]
        for key, sent, done in db.session.execute(query.group_by(sector))
    ]
    rows.sort(key=lambda row: -row[1])
    return Table(
        f"survey-{survey.id}-sectors",
        _("Who answered, by sector"),
        [_("Sector"), _("Recipients"), _("Answered"), _("Response rate")],
        rows,
        frozenset({3}),
    )
