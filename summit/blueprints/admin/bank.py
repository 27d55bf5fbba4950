"""The bank payments page: read in Bankgirot's BgMax file, see what it paid, and settle
by hand what it could not (part and over-payments, payments without an invoice).

Site-wide and for site admins: the bankgiro is the seller's, one file brings the
payments for every event at once, and it names the payers of all of them."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import FileStorage

from ...access import site_admin_required
from ...forms import show_refusal
from ...models.bank import BankOutcome
from ...services.billing import bank_payments, bgmax
from ...services.billing.bank_payments import BankRefused
from ...services.payments.core import still_owed
from ..lookup import found_or_404
from .bank_forms import BankFileForm, MatchForm, SettleForm


def _page(form: BankFileForm, result=None, status: int = 200):
    rows = bank_payments.unsettled()
    return (
        render_template(
            "admin/bank.html",
            form=form,
            result=result,
            rows=rows,
            waiting=bank_payments.unsettled_count(),
            files=bank_payments.recent_files(),
            match_form=MatchForm(formdata=None),
            settle_form=SettleForm(formdata=None),
            outcomes=BankOutcome,
            owed=still_owed,
        ),
        status,
    )


def _read(storage) -> bytes:
    """The upload's bytes, a little more than a bank file may be (the parser refuses)."""
    if not isinstance(storage, FileStorage):
        return b""
    return storage.read(bgmax.MAX_FILE_BYTES + 1)


@site_admin_required
def bank_page():
    form = BankFileForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            return _page(form, status=422 if form.errors else 400)
        storage = form.bank_file.data
        try:
            result = bank_payments.import_file(
                _read(storage), filename=storage.filename or "", user=current_user
            )
        except bgmax.BankFileError as refused:
            show_refusal(refusal=refused, form=form, fields={"file": "bank_file"})
            return _page(form, status=422)
        return _page(BankFileForm(formdata=None), result=result)
    return _page(form)


@site_admin_required
def bank_match(row_id):
    row = found_or_404(bank_payments.get(row_id))
    form = MatchForm()
    if not form.validate_on_submit():
        flash(_("Enter the invoice number."), "error")
        return redirect(url_for("admin.bank_page", _anchor=f"payment-{row.id}"))
    try:
        done = bank_payments.match_to_invoice(row.id, form.invoice_number.data, current_user)
    except BankRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.bank_page", _anchor=f"payment-{row.id}"))
    flash(
        _(
            "The payment is matched to invoice %(number)s: %(outcome)s.",
            number=done.invoice.number,
            outcome=done.outcome.label,
        ),
        "success",
    )
    return redirect(url_for("admin.bank_page"))


@site_admin_required
def bank_settle(row_id):
    row = found_or_404(bank_payments.get(row_id))
    form = SettleForm()
    if not form.validate_on_submit():
        flash(_("Say in a note what was done."), "error")
        return redirect(url_for("admin.bank_page", _anchor=f"payment-{row.id}"))
    try:
        bank_payments.settle(row.id, form.note.data, current_user)
    except BankRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("admin.bank_page"))
    flash(_("The payment is settled."), "success")
    return redirect(url_for("admin.bank_page"))
