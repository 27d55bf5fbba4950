"""Setting up a call: its window in Stockholm time (across daylight saving changes),
formats, questions, criteria and access codes; garbage refused with nothing stored."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from summit.models import (
    AccessCode,
    CallForProposals,
    CfpQuestion,
    QuestionKind,
    ReviewMode,
    SessionKind,
)
from summit.services.cfp import CfpError
from summit.services.cfp.cfp_setup import (
    AccessCodeData,
    CallSettings,
    CriterionData,
    FormatData,
    QuestionData,
    find_access_code,
    get_call,
    save_access_code,
    save_call,
    save_criterion,
    save_format,
    save_question,
)
from tests.conftest import STOCKHOLM


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def settings(**changes) -> CallSettings:
    values = {
        "opens_at": datetime(2027, 1, 11, 9, 0),
        "closes_at": datetime(2027, 3, 1, 0, 0),
        "intro_sv": "Vi söker praktiker.",
        "intro_en": "We look for practitioners.",
    }
    values.update(changes)
    return CallSettings(**values)


def test_a_call_is_stored_in_utc_from_stockholm_wall_clock_times(db, make_event):
    event = make_event()
    call = save_call(event, settings(review_mode=ReviewMode.BY_TRACK, anonymous_review=True))
    db.session.expire_all()
    call = get_call(event)
    assert call.opens_at == datetime(2027, 1, 11, 8, 0, tzinfo=UTC)  # CET, UTC+1
    assert call.closes_at == datetime(2027, 2, 28, 23, 0, tzinfo=UTC)
    assert call.local_closes_at.strftime("%Y-%m-%d %H:%M") == "2027-03-01 00:00"
    assert call.review_mode is ReviewMode.BY_TRACK and call.anonymous_review
    assert call.languages == ["sv", "en"]
    # Saving again changes the same call.
    save_call(event, settings(max_co_speakers=1, languages=["en"]))
    assert count(db, CallForProposals) == 1
    assert get_call(event).max_co_speakers == 1 and get_call(event).languages == ["en"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"closes_at": datetime(2027, 1, 11, 9, 0)}, "closes_at"),
        ({"max_co_speakers": -1}, "max_co_speakers"),
        ({"max_co_speakers": "3"}, "max_co_speakers"),
        ({"languages": []}, "languages"),
        ({"languages": ["sv", "de"]}, "languages"),
        ({"intro_sv": "x" * 5001}, "intro_sv"),
        ({"review_mode": "all"}, "review_mode"),
        ({"opens_at": "2027-01-11"}, "opens_at"),
    ],
)
def test_bad_call_settings_are_refused_and_nothing_is_stored(db, make_event, changes, field):
    event = make_event()
    with pytest.raises(CfpError) as refused:
        save_call(event, settings(**changes))
    assert refused.value.field == field
    assert refused.value.message
    assert count(db, CallForProposals) == 0


# Deadlines across daylight saving changes -----------------------------------------------


def test_deadline_on_the_spring_forward_night(db, make_event):
    """28 March 2027: at 02:00 the clocks jump to 03:00. A call closing at 03:00 local
    time closes at 01:00 UTC; the last open minute is 01:59 winter time."""
    event = make_event()
    call = save_call(event, settings(closes_at=datetime(2027, 3, 28, 3, 0)))
    db.session.expire_all()
    assert call.closes_at == datetime(2027, 3, 28, 1, 0, tzinfo=UTC)
    assert call.is_open(datetime(2027, 3, 28, 1, 59, tzinfo=STOCKHOLM))
    assert call.is_open(datetime(2027, 3, 28, 0, 59, 59, tzinfo=UTC))
    assert not call.is_open(datetime(2027, 3, 28, 3, 0, tzinfo=STOCKHOLM))
    assert not call.is_open(datetime(2027, 3, 28, 1, 0, tzinfo=UTC))


def test_a_deadline_in_the_skipped_hour_is_refused(db, make_event):
    event = make_event()
    with pytest.raises(CfpError) as refused:
        save_call(event, settings(closes_at=datetime(2027, 3, 28, 2, 30)))
    assert refused.value.reason == "nonexistent_time" and refused.value.field == "closes_at"
    assert "Europe/Stockholm" in refused.value.message
    assert count(db, CallForProposals) == 0


def test_deadline_in_the_hour_that_happens_twice_is_the_first_one(db, make_event):
    """31 October 2027: 02:00–03:00 happens twice (summer time, then winter time). 02:30
    means the first 02:30 (fold=0, summer time, 00:30 UTC)."""
    event = make_event()
    call = save_call(event, settings(closes_at=datetime(2027, 10, 31, 2, 30)))
    db.session.expire_all()
    assert call.closes_at == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    first_0229 = datetime(2027, 10, 31, 2, 29, tzinfo=STOCKHOLM, fold=0)
    first_0230 = datetime(2027, 10, 31, 2, 30, tzinfo=STOCKHOLM, fold=0)
    second_0215 = datetime(2027, 10, 31, 2, 15, tzinfo=STOCKHOLM, fold=1)  # 01:15 UTC
    assert call.is_open(first_0229)
    assert not call.is_open(first_0230)
    # By the wall clock 02:15 is before 02:30, but the second 02:15 is after the deadline.
    assert not call.is_open(second_0215)


def test_the_deadline_minute_on_an_ordinary_night(db, make_event):
    event = make_event()
    call = save_call(event, settings())
    db.session.expire_all()
    deadline = datetime(2027, 3, 1, 0, 0, tzinfo=STOCKHOLM)
    assert call.is_open(deadline - timedelta(seconds=1))
    assert not call.is_open(deadline)
    assert not call.is_open(datetime(2027, 1, 11, 8, 59, tzinfo=STOCKHOLM))
    assert call.is_open(datetime(2027, 1, 11, 9, 0, tzinfo=STOCKHOLM))


# Formats, questions, criteria, codes -----------------------------------------------------


def test_formats_questions_and_criteria(db, make_event):
    event = make_event()
    call = save_call(event, settings())
    talk = save_format(call, FormatData("Föredrag", 20, "Talk"))
    workshop = save_format(call, FormatData("Workshop", 90, kind=SessionKind.WORKSHOP))
    assert (talk.position, workshop.position) == (0, 1)
    question = save_question(
        call,
        QuestionData(
            QuestionKind.MULTIPLE_CHOICE,
            "Vilka målgrupper?",
            options=[{"sv": "Kommun", "en": "Municipality"}, {"sv": "Ideell sektor"}, {"sv": ""}],
            required=True,
        ),
    )
    assert [o["sv"] for o in question.options] == ["Kommun", "Ideell sektor"]
    keys = question.option_keys
    # Editing an option's text keeps its key, so answers stay right.
    save_question(
        call,
        QuestionData(
            QuestionKind.MULTIPLE_CHOICE,
            "Vilka målgrupper?",
            options=[{"key": keys[0], "sv": "Kommuner"}, {"key": keys[1], "sv": "Ideell sektor"}],
        ),
        question,
    )
    assert question.option_keys == keys and question.options[0]["sv"] == "Kommuner"
    criterion = save_criterion(call, CriterionData("Relevans", "Relevance", weight=3))
    assert criterion.weight == 3


@pytest.mark.parametrize(
    "data, field",
    [
        (QuestionData(QuestionKind.CHOICE, "Välj", options=[{"sv": "Bara en"}]), "options"),
        (QuestionData(QuestionKind.CHOICE, "Välj", options=[{"sv": "A"}, {"sv": "a"}]), "options"),
        (QuestionData(QuestionKind.TEXT, ""), "label_sv"),
        (QuestionData("text", "Fråga"), "kind"),
        (QuestionData(QuestionKind.TEXT, "x" * 301), "label_sv"),
    ],
)
def test_bad_questions_are_refused(db, make_event, data, field):
    call = save_call(make_event(), settings())
    with pytest.raises(CfpError) as refused:
        save_question(call, data)
    assert refused.value.field == field
    assert count(db, CfpQuestion) == 0


def test_bad_formats_and_criteria_are_refused(db, make_event):
    call = save_call(make_event(), settings())
    for data in (FormatData("", 20), FormatData("Kort", 2), FormatData("Lång", 24 * 60)):
        with pytest.raises(CfpError):
            save_format(call, data)
    for data in (CriterionData(""), CriterionData("Vikt", weight=0), CriterionData("V", weight=11)):
        with pytest.raises(CfpError):
            save_criterion(call, data)
    db.session.refresh(call)
    assert call.formats == [] and call.criteria == []


def test_access_codes(db, make_event):
    call = save_call(make_event(), settings())
    code = save_access_code(
        call, AccessCodeData(" sent-late ", "Inbjudna talare", datetime(2027, 3, 8, 0, 0), 2)
    )
    assert code.code == "SENT-LATE"
    assert code.valid_until == datetime(2027, 3, 7, 23, 0, tzinfo=UTC)
    assert find_access_code(call, "sent-late").id == code.id
    assert find_access_code(call, "nope") is None
    assert find_access_code(call, "'; DROP TABLE x") is None
    with pytest.raises(CfpError) as refused:
        save_access_code(call, AccessCodeData("SENT-LATE"))
    assert refused.value.reason == "code_taken"
    for bad in ("", "has space", "å" * 3, "A" * 65):
        with pytest.raises(CfpError):
            save_access_code(call, AccessCodeData(bad))
    with pytest.raises(CfpError):
        save_access_code(call, AccessCodeData("OK", max_uses=0))
    assert count(db, AccessCode) == 1
