"""Surveys after an event: the organizers' pages (build, schedule, results) and the
page each person answers on, through the personal link of their mail (public)."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import manage, manage_questions, public

bp = Blueprint("surveys", __name__)

MANAGE = "/manage/events/<slug>/surveys"
SURVEY = MANAGE + "/<int:survey_id>"
QUESTION = SURVEY + "/questions/<int:survey_question_id>"

# fmt: off
URLS = [
    (MANAGE + "/", "survey_list", manage.survey_list, GET),
    (MANAGE + "/new", "new_survey", manage.new_survey, GET_POST),
    (SURVEY + "/", "show_survey", manage.show_survey, GET),
    (SURVEY + "/edit", "edit_survey", manage.edit_survey, GET_POST),
    (SURVEY + "/schedule", "schedule_survey", manage.schedule_survey, POST),
    (SURVEY + "/unschedule", "unschedule_survey", manage.unschedule_survey, POST),
    (SURVEY + "/results", "survey_results", manage.survey_results, GET),
    (SURVEY + "/questions/new", "new_survey_question", manage_questions.new_question, GET_POST),
    (QUESTION, "edit_survey_question", manage_questions.edit_question, GET_POST),
    (QUESTION + "/move", "move_survey_question", manage_questions.move_question, POST),
    (QUESTION + "/deactivate", "deactivate_survey_question", manage_questions.deactivate_question,
     POST),
    (QUESTION + "/delete", "delete_survey_question", manage_questions.delete_question, POST),
    ("/survey/<token>", "answer", public.answer, GET_POST),
]
# fmt: on
add_url_rules(bp, URLS)
