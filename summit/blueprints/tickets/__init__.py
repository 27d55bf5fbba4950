"""Tickets: the shop, checkout and the buyer's order page (views), and the organizers'
ticket types, discount codes, sales, orders (manage), registration questions
(manage_questions) and vouchers (manage_vouchers)."""

from flask import Blueprint

from .. import GET, GET_POST, POST, add_url_rules
from . import (
    addon_views,
    approval_views,
    billing_views,
    manage,
    manage_addons,
    manage_bookkeeping,
    manage_invoices,
    manage_questions,
    manage_vouchers,
    manage_waiting,
    self_service,
    views,
    waiting,
)

bp = Blueprint("tickets", __name__)

ORDER = "/events/<slug>/orders/<token>"
MANAGE = "/manage/events/<slug>"

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/events/<slug>/tickets/", "shop", views.shop, GET_POST),
    ("/events/<slug>/tickets/apply", "apply", approval_views.apply, GET_POST),
    (ORDER + "/release", "release", views.release, POST),
    (ORDER + "/checkout", "checkout", views.checkout, GET_POST),
    (ORDER + "/renew", "renew", views.renew, POST),
    (ORDER + "/", "order", views.order, GET),
    (ORDER + "/tickets/<int:number>.pdf", "ticket_pdf", views.ticket_pdf, GET),
    (ORDER + "/tickets.pdf", "tickets_pdf", views.tickets_pdf, GET),
    (ORDER + "/receipt.pdf", "receipt_pdf", views.receipt_pdf, GET),
    (ORDER + "/invoice.pdf", "invoice_pdf", views.invoice_pdf, GET),
    (ORDER + "/documents/<int:number>.pdf", "document_pdf", billing_views.document_pdf_for_buyer, GET),
    (ORDER + "/documents/<int:number>.xml", "document_xml", billing_views.document_xml_for_buyer, GET),
    (ORDER + "/attendees/<int:number>", "edit_attendee", views.edit_attendee, GET_POST),
    ("/events/<slug>/waiting-list/", "waiting_join", waiting.join, GET_POST),
    ("/events/<slug>/waiting-list/<token>", "waiting_entry", waiting.entry, GET),
    ("/events/<slug>/waiting-list/<token>/leave", "waiting_leave", waiting.leave, POST),
    (ORDER + "/addons", "add_addons", addon_views.add_addons, POST),
    (ORDER + "/tickets/<int:number>/cancel", "cancel_ticket", self_service.cancel_ticket, GET_POST),
    (ORDER + "/tickets/<int:number>/transfer", "transfer_ticket", self_service.transfer_ticket, GET_POST),
    ("/my/tickets/<reference>/<int:number>/cancel", "my_cancel_ticket", self_service.my_cancel_ticket, GET_POST),
    ("/my/tickets/<reference>/<int:number>/transfer", "my_transfer_ticket", self_service.my_transfer_ticket, GET_POST),

    (MANAGE + "/tickets/", "ticket_types", manage.ticket_types, GET),
    (MANAGE + "/tickets/new", "new_ticket_type", manage.new_ticket_type, GET_POST),
    (MANAGE + "/tickets/<int:type_id>/", "edit_ticket_type", manage.edit_ticket_type, GET_POST),
    (MANAGE + "/tickets/<int:type_id>/deactivate", "deactivate_ticket_type", manage.deactivate_ticket_type, POST),
    (MANAGE + "/tickets/<int:type_id>/delete", "delete_ticket_type", manage.delete_ticket_type, POST),
    (MANAGE + "/questions/", "question_list", manage_questions.question_list, GET),
    (MANAGE + "/questions/new", "new_question", manage_questions.new_question, GET_POST),
    (MANAGE + "/questions/<int:registration_question_id>/", "edit_question", manage_questions.edit_question, GET_POST),
    (MANAGE + "/questions/<int:registration_question_id>/move", "move_question", manage_questions.move_question, POST),
    (MANAGE + "/questions/<int:registration_question_id>/deactivate", "deactivate_question", manage_questions.deactivate_question, POST),
    (MANAGE + "/questions/<int:registration_question_id>/delete", "delete_question", manage_questions.delete_question, POST),
    (MANAGE + "/addons/", "addon_list", manage_addons.addon_list, GET),
    (MANAGE + "/addons/new", "new_addon", manage_addons.new_addon, GET_POST),
    (MANAGE + "/addons/<int:addon_id>/", "edit_addon", manage_addons.edit_addon, GET_POST),
    (MANAGE + "/addons/<int:addon_id>/delete", "delete_addon", manage_addons.delete_addon, POST),
    (MANAGE + "/applications/", "applications", approval_views.applications, GET),
    (MANAGE + "/applications/", "decide_applications", approval_views.decide, POST),
    (MANAGE + "/discounts/", "discount_codes", manage.discount_codes, GET),
    (MANAGE + "/discounts/new", "new_discount_code", manage.new_discount_code, GET_POST),
    (MANAGE + "/discounts/<int:code_id>/", "edit_discount_code", manage.edit_discount_code, GET_POST),
    (MANAGE + "/discounts/<int:code_id>/deactivate", "deactivate_discount_code", manage.deactivate_discount_code, POST),
    (MANAGE + "/discounts/<int:code_id>/delete", "delete_discount_code", manage.delete_discount_code, POST),
    (MANAGE + "/sales", "sales_overview", manage.sales_overview, GET),
    (MANAGE + "/invoices/overdue", "overdue_invoices", manage_invoices.overdue_invoices, GET),
    (MANAGE + "/orders/", "orders", manage.orders, GET),
    (MANAGE + "/orders/<reference>", "order_detail", manage.order_detail, GET),
    (MANAGE + "/orders/<reference>/resend", "order_resend", manage.order_resend, POST),
    (MANAGE + "/orders/<reference>/invoice-paid", "order_invoice_paid", manage.order_invoice_paid, POST),
    (MANAGE + "/orders/<reference>/dispute", "order_dispute", manage.order_dispute, POST),
    (MANAGE + "/orders/<reference>/cancel", "order_cancel", manage.order_cancel, GET_POST),
    (MANAGE + "/orders/<reference>/refund", "order_refund", manage.order_refund, GET_POST),
    (MANAGE + "/orders/<reference>/documents/<int:number>.pdf", "order_document_pdf", billing_views.document_pdf_for_organizer, GET),
    (MANAGE + "/orders/<reference>/documents/<int:number>.xml", "order_document_xml", billing_views.document_xml_for_organizer, GET),
    (MANAGE + "/orders/<reference>/documents/<int:number>/send-again", "order_einvoice_again", billing_views.send_again, POST),
    (MANAGE + "/self-service", "self_service_policy", self_service.policy, GET_POST),
    (MANAGE + "/attendees.csv", "attendees_csv", manage.attendees_csv, GET),
    (MANAGE + "/bookkeeping/", "bookkeeping", manage_bookkeeping.bookkeeping_page, GET_POST),
    (MANAGE + "/bookkeeping/sie", "bookkeeping_export", manage_bookkeeping.bookkeeping_export, GET),

    (MANAGE + "/vouchers/", "voucher_list", manage_vouchers.voucher_list, GET),
    (MANAGE + "/vouchers/", "make_vouchers", manage_vouchers.make_vouchers, POST),
    (MANAGE + "/vouchers/<int:voucher_id>/withdraw", "revoke_voucher", manage_vouchers.revoke_voucher, POST),
    (MANAGE + "/vouchers.csv", "vouchers_csv", manage_vouchers.vouchers_csv, GET),

    (MANAGE + "/waiting-list/", "waiting_lists", manage_waiting.waiting_lists, GET),
    (MANAGE + "/waiting-list/offer-hours", "waiting_offer_hours", manage_waiting.offer_hours, POST),
    (MANAGE + "/waiting-list/<int:entry_id>/offer", "waiting_offer", manage_waiting.offer, POST),
    (MANAGE + "/waiting-list/<int:entry_id>/remove", "waiting_remove", manage_waiting.remove, POST),
]
# fmt: on
add_url_rules(bp, URLS)
