"""Call for speakers and review: the speakers' pages (/events/<slug>/speakers/...), the
reviewers' pages and the organizers' pages (/manage/events/<slug>/speakers/...).

public.py   the call, sign-in by e-mailed link, profile, proposals, co-speaker
            invitations, confirming or declining an accepted proposal
review.py   reviewers: their proposals, scoring
manage.py   organizers: call settings, reviewers, the decisions table, decision e-mails
"""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import (
    manage,
    manage_decisions,
    manage_emails,
    manage_setup,
    manage_table,
    public,
    public_availability,
    public_feedback,
    public_links,
    public_proposals,
    review,
)

bp = Blueprint("speakers", __name__)

PUBLIC = "/events/<slug>/speakers"
MANAGE = "/manage/events/<slug>/speakers"
REVIEW = "/manage/events/<slug>/review"

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    (MANAGE + "/", "manage_index", manage.manage_index, GET),
    (MANAGE + "/call", "manage_call", manage.manage_call, GET_POST),

    (MANAGE + "/proposals/decide", "manage_decide", manage_decisions.manage_decide, POST),
    (MANAGE + "/proposals/<token>", "manage_proposal", manage_decisions.manage_proposal, GET),
    (MANAGE + "/proposals/<token>/reviewers", "manage_assign_one", manage_decisions.manage_assign_one, POST),
    (MANAGE + "/proposals/<token>/reviewers/<int:reviewer_id>/remove", "manage_unassign", manage_decisions.manage_unassign, POST),
    (MANAGE + "/proposals/<token>/reopen", "manage_reopen", manage_decisions.manage_reopen, POST),
    (MANAGE + "/proposals/<token>/resend", "manage_resend", manage_decisions.manage_resend, POST),

    (MANAGE + "/emails/", "manage_emails", manage_emails.manage_emails, GET),
    (MANAGE + "/emails/<kind>/<locale>", "manage_email", manage_emails.manage_email, GET_POST),
    (MANAGE + "/emails/<kind>/<locale>/reset", "manage_reset_email", manage_emails.manage_reset_email, POST),

    (MANAGE + "/formats/new", "manage_new_format", manage_setup.manage_new_format, GET_POST),
    (MANAGE + "/formats/<int:format_id>/", "manage_edit_format", manage_setup.manage_edit_format, GET_POST),
    (MANAGE + "/tracks/new", "manage_new_track", manage_setup.manage_new_track, GET_POST),
    (MANAGE + "/tracks/<int:track_id>/", "manage_edit_track", manage_setup.manage_edit_track, GET_POST),
    (MANAGE + "/questions/new", "manage_new_question", manage_setup.manage_new_question, GET_POST),
    (MANAGE + "/questions/<int:question_id>/", "manage_edit_question", manage_setup.manage_edit_question, GET_POST),
    (MANAGE + "/criteria/new", "manage_new_criterion", manage_setup.manage_new_criterion, GET_POST),
    (MANAGE + "/criteria/<int:criterion_id>/", "manage_edit_criterion", manage_setup.manage_edit_criterion, GET_POST),
    (MANAGE + "/codes/new", "manage_new_code", manage_setup.manage_new_code, GET_POST),
    (MANAGE + "/codes/<int:access_code_id>/", "manage_edit_code", manage_setup.manage_edit_code, GET_POST),
    (MANAGE + "/formats/<int:format_id>/delete", "manage_delete_format", manage_setup.manage_delete_format, POST),
    (MANAGE + "/formats/<int:format_id>/move", "manage_move_format", manage_setup.manage_move_format, POST),
    (MANAGE + "/questions/<int:question_id>/delete", "manage_delete_question", manage_setup.manage_delete_question, POST),
    (MANAGE + "/questions/<int:question_id>/move", "manage_move_question", manage_setup.manage_move_question, POST),
    (MANAGE + "/criteria/<int:criterion_id>/delete", "manage_delete_criterion", manage_setup.manage_delete_criterion, POST),
    (MANAGE + "/criteria/<int:criterion_id>/move", "manage_move_criterion", manage_setup.manage_move_criterion, POST),
    (MANAGE + "/codes/<int:access_code_id>/delete", "manage_delete_code", manage_setup.manage_delete_code, POST),

    (MANAGE + "/reviewers", "manage_reviewers", manage_table.manage_reviewers, GET),
    (MANAGE + "/reviewers/<int:reviewer_id>/tracks", "manage_reviewer_tracks", manage_table.manage_reviewer_tracks, POST),
    (MANAGE + "/proposals/", "manage_proposals", manage_table.manage_proposals, GET),
    (MANAGE + "/proposals/assign", "manage_assign", manage_table.manage_assign, POST),

    ("/events/<slug>/cfp", "cfp_address", public.cfp_address, GET, {"defaults": {"rest": ""}, "strict_slashes": False}),
    ("/events/<slug>/cfp/<path:rest>", "cfp_address", public.cfp_address, GET),
    (PUBLIC + "/", "call", public.call, GET),
    (PUBLIC + "/code", "enter_code", public.enter_code, POST),
    (PUBLIC + "/profile", "profile", public.profile, GET_POST),
    (PUBLIC + "/profile/photo/remove", "remove_photo", public.remove_photo, POST),
    (PUBLIC + "/photos/<token>", "photo", public.photo, GET),
    (PUBLIC + "/proposals/", "my_proposals", public.my_proposals, GET),

    (PUBLIC + "/invitations/<token>", "invitation", public_links.invitation, GET_POST),
    (PUBLIC + "/respond/<token>", "respond", public_links.respond, GET_POST),

    (PUBLIC + "/proposals/new", "new_proposal", public_proposals.new_proposal, GET_POST),
    (PUBLIC + "/proposals/<token>", "proposal", public_proposals.proposal, GET),
    (PUBLIC + "/proposals/<token>/edit", "edit_proposal", public_proposals.edit_proposal, GET_POST),
    (PUBLIC + "/proposals/<token>/submit", "submit_proposal", public_proposals.submit_proposal, POST),
    (PUBLIC + "/proposals/<token>/withdraw", "withdraw", public_proposals.withdraw, GET_POST),
    (PUBLIC + "/proposals/<token>/answer", "answer", public_proposals.answer, POST),
    (PUBLIC + "/proposals/<token>/co-speakers", "invite", public_proposals.invite, POST),
    (PUBLIC + "/proposals/<token>/co-speakers/remove", "remove_co_speaker", public_proposals.remove_co_speaker, POST),
    (PUBLIC + "/proposals/<token>/co-speakers/resend", "resend_invitation", public_proposals.resend_invitation, POST),

    (PUBLIC + "/availability", "availability", public_availability.availability, GET_POST),
    (PUBLIC + "/feedback", "my_feedback", public_feedback.my_feedback, GET),

    (REVIEW + "/", "review_list", review.review_list, GET),
    (REVIEW + "/<token>", "review_proposal", review.review_proposal, GET_POST),
]
# fmt: on
add_url_rules(bp, URLS)

bp.add_app_template_filter(manage.cfp_score, "cfp_score")
bp.add_app_template_filter(manage_emails.mail_preview, "cfp_mail_preview")
