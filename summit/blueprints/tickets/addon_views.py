"""Add-ons in the buyer's pages: the choice per attendee at checkout (read here, stored
by services/tickets/addons.py) and adding one to a ticket bought before."""

from flask import abort, current_app, redirect, request, url_for

from ...access import public
from ...extensions import limiter
from ...forms import ButtonForm, show_refusal
from ...models import utcnow
from ...services.tickets import addons, ordering
from ...services.tickets.errors import OrderError

SHOWN = "addons-shown"  # present when the form offered add-ons (none ticked: none wanted)


def posted_choices(count: int) -> dict[int, set[int]] | None:
    """The add-ons ticked per ticket number (addon-<number> fields, add-on ids), or None
    when the form had no add-on choice. Anything malformed is a 400."""
    if request.method != "POST" or SHOWN not in request.form:
        return None
    choices: dict[int, set[int]] = {}
    for key in request.form:
        if not key.startswith("addon-"):
            continue
        number = key[6:]
        if not number.isdigit() or not 1 <= int(number) <= count:
            abort(400)
        values = request.form.getlist(key)
        if len(values) > addons.MAX_ADDONS or not all(v.isdigit() and len(v) < 10 for v in values):
            abort(400)
        choices[int(number)] = {int(v) for v in values}
    return choices


def shop_addons(event, types, now) -> list[tuple]:
    """For the shop: the add-ons on sale with any of the types shown, and places left,
    so buyers know before choosing (they tick them per attendee at checkout)."""
    on_sale = [a for a in addons.event_addons(event, active_only=True) if a.on_sale(now)]
    shown = [a for a in on_sale if any(a.offered_with(t) for t in types)]
    if not shown:
        return []
    left = addons.places_left(event, shown, now)
    return [(a, left[a.id]) for a in shown]


def checkout_offers(order) -> dict[int, list]:
    """For the checkout page: per ticket number, the add-ons offered with it."""
    now = utcnow()
    on_sale = [a for a in addons.event_addons(order.event, active_only=True) if a.on_sale(now)]
    if not on_sale:
        return {}
    offers = {}
    for number, ticket in enumerate(order.tickets, start=1):
        offered = addons.offered_for(ticket, on_sale, now)
        if offered:
            offers[number] = offered
    return offers


def checkout_context(order, posted: dict[int, set[int]] | None) -> dict:
    offers = checkout_offers(order)
    if not offers:
        return {"addon_offers": {}}
    listed = {a for offered in offers.values() for a in offered}
    return {
        "addon_offers": offers,
        "addon_picked": posted if posted is not None else addons.chosen(order),
        "addon_left": addons.places_left(order.event, list(listed), except_order=order),
    }


def _order(slug, token):
    order = ordering.get_order(token)
    if order is None or order.event.slug != slug:
        abort(404)
    return order


@limiter.limit(lambda: current_app.config["RESERVATION_RATE_LIMIT"])
@public
def add_addons(slug, token):
    """From the order page: a follow-up order for the add-ons ticked, then its checkout."""
    order = _order(slug, token)
    if not ButtonForm().validate_on_submit():
        abort(400)
    choices = posted_choices(len(order.tickets)) or {}
    try:
        follow_up = addons.buy_addons_after(order, choices)
    except OrderError as refused:
        show_refusal(refused)
        return redirect(url_for("tickets.order", slug=slug, token=token) + "#addons")
    return redirect(url_for("tickets.checkout", slug=slug, token=follow_up.token))


def order_context(order) -> dict:
    """For the order page: what can be added to which ticket, and the follow-ups."""
    can_add = addons.addable(order)
    listed = {a for offered in can_add.values() for a in offered}
    return {
        "addable": can_add,
        "addable_left": addons.places_left(order.event, list(listed)) if listed else {},
        "addon_form": ButtonForm(formdata=None),
        "follow_ups": addons.follow_ups(order) if order.tickets else [],
        "parent": addons.parent_order(order),
        "addon_shown": SHOWN,
    }
