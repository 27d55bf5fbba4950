"""A local fake of the parts of the Stripe HTTP API summit uses, for the real `stripe`
library to talk to (its api base address pointed at 127.0.0.1), plus what Stripe does
on its side in the tests: buyers paying or failing, sessions expiring, refunds in the
dashboard, and webhook events signed exactly as Stripe signs them.

It speaks the API version the pinned library sends (stripe==16.1.0: API_VERSION), and
refuses requests made for another: Checkout Sessions filter payment methods with
`allowed_payment_method_types` (there is no `payment_method_types` parameter), a line
may cost 0 but the session must reach Stripe's minimum charge for its currency
(`amount_too_small`), a Charge in an event carries no `refunds` list (since
2022-11-15), and refunds have a status (pending, requires_action, succeeded, failed,
canceled) that can change after they are made.

Implemented, with Stripe's validation and error shapes:
  POST /v1/checkout/sessions            create (form-encoded, as the library sends it)
  GET  /v1/checkout/sessions/{id}       retrieve
  POST /v1/checkout/sessions/{id}/expire
  POST /v1/refunds                      refund a PaymentIntent (amount <= what is left)
  GET  /v1/refunds?payment_intent=...   list
Every request must carry `Authorization: Bearer <secret key>`; POSTs honour
Idempotency-Key as Stripe does (same key and parameters: the first response again;
same key and other parameters: an idempotency_error).
"""

import contextlib
import hashlib
import hmac
import json
import re
import secrets
import threading
import time
from copy import deepcopy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

SECRET_KEY = "sk_test_fake_" + "x" * 24
WEBHOOK_SECRET = "whsec_fake_" + "y" * 24
API_VERSION = "2026-10-28.endive"
SESSION_MIN_SECONDS = 30 * 60
SESSION_MAX_SECONDS = 24 * 60 * 60
CHECKOUT_LOCALES = {"auto", "sv", "en", "da", "de", "fi", "fr", "nb", "es"}
SESSION_PARAMS = {
    "mode",
    "line_items",
    "client_reference_id",
    "metadata",
    "payment_intent_data",
    "locale",
    "expires_at",
    "success_url",
    "cancel_url",
    "customer_email",
    "allowed_payment_method_types",
    "excluded_payment_method_types",
}
# Stripe's minimum charge per currency (minor units): https://docs.stripe.com/currencies
MINIMUM_CHARGE = {"sek": 300, "nok": 300, "dkk": 250, "eur": 50, "usd": 50}
REFUND_STATUSES = {"pending", "requires_action", "succeeded", "failed", "canceled"}
REFUND_PARAMS = {"payment_intent", "charge", "amount", "metadata", "reason"}


class StripeError(Exception):
    """Answered as Stripe answers: the status and {"error": {...}}."""

    def __init__(self, status, message, type_="invalid_request_error", code=None, param=None):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message}}
        if code:
            self.body["error"]["code"] = code
        if param:
            self.body["error"]["param"] = param


def _new_id(prefix: str) -> str:
    return f"{prefix}_test_{secrets.token_hex(12)}"


def decode_form(pairs) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(node):
        if not isinstance(node, dict):
            return node
        node = {k: lists(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node):
            return [node[k] for k in sorted(node, key=int)]
        return node

    return lists(root)


def _int(params: dict, name: str, minimum: int = 0, required: bool = True):
    value = params.get(name)
    if value is None:
        if required:
            raise StripeError(400, f"Missing required param: {name}.", code="parameter_missing")
        return None
    if not isinstance(value, str) or not re.fullmatch(r"-?\d+", value):
        raise StripeError(
            400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=name
        )
    number = int(value)
    if number < minimum:
        raise StripeError(
            400,
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
            param=name,
        )
    return number


def _unknown(params: dict, known: set) -> None:
    for name in params:
        if name not in known:
            raise StripeError(
                400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name
            )


def _strings(value, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise StripeError(400, f"Invalid object: {name}", param=name)
    return value


class FakeStripe:
    """The fake API's state and the test-side helpers. Use `running()` to start it."""

    def __init__(self, api_key: str = SECRET_KEY, webhook_secret: str = WEBHOOK_SECRET):
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.disputes: dict[str, dict] = {}
        # The status the next refunds get (Stripe answers "pending" for some methods).
        self.refund_status = "succeeded"
        self.requests: list[dict] = []  # every request: method, path, params, headers
        self._idempotency: dict[str, tuple] = {}
        self._failures: list[tuple] = []
        self.line_items: dict[str, list] = {}  # session id: the line items as sent
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # The server ----------------------------------------------------------------------

    def start(self) -> "FakeStripe":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):  # noqa: N802
                fake._serve(self, "GET")

            def do_POST(self):  # noqa: N802
                fake._serve(self, "POST")

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def fail_next(self, method: str, path_prefix: str, status=400, message="Refused (test).", **kw):
        """The next matching request gets this error instead of its answer."""
        with self._lock:
            self._failures.append((method, path_prefix, StripeError(status, message, **kw)))

    def _serve(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        url = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length).decode() if length else ""
        params = decode_form(parse_qsl(url.query if method == "GET" else body, True))
        headers = {k.lower(): v for k, v in handler.headers.items()}
        with self._lock:
            self.requests.append(
                {"method": method, "path": url.path, "params": params, "headers": headers}
            )
            status, answer, replayed = self._answer(method, url.path, params, headers)
        data = json.dumps(answer).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", "req_" + secrets.token_hex(8))
        if replayed:
            handler.send_header("Idempotent-Replayed", "true")
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, method: str, path: str, params: dict, headers: dict):
        if headers.get("authorization") != f"Bearer {self.api_key}":
            given = headers.get("authorization", "")[-4:]
            return 401, StripeError(401, f"Invalid API Key provided: sk_****{given}").body, False
        version = headers.get("stripe-version", API_VERSION)
        if version != API_VERSION:
            # The fake speaks one version: the one the pinned library sends.
            error = StripeError(400, f"The fake speaks API version {API_VERSION}, not {version}.")
            return 400, error.body, False
        key = headers.get("idempotency-key") if method == "POST" else None
        if key and key in self._idempotency:
            first = self._idempotency[key]
            if first[:3] != (method, path, params):
                error = StripeError(
                    400,
                    "Keys for idempotent requests can only be used with the same parameters "
                    "they were first used with.",
                    type_="idempotency_error",
                )
                return 400, error.body, False
            return first[3], first[4], True
        for failure in self._failures:
            if failure[0] == method and path.startswith(failure[1]):
                self._failures.remove(failure)
                return failure[2].status, failure[2].body, False
        try:
            status, answer = 200, self._route(method, path, params)
        except StripeError as error:
            status, answer = error.status, error.body
        if key and status < 500:
            self._idempotency[key] = (method, path, params, status, answer)
        return status, answer, False

    def _route(self, method: str, path: str, params: dict) -> dict:
        parts = [unquote(p) for p in path.strip("/").split("/")]
        if parts[:3] == ["v1", "checkout", "sessions"]:
            if method == "POST" and len(parts) == 3:
                return self._create_session(params)
            if len(parts) >= 4:
                session = self.sessions.get(parts[3])
                if session is None:
                    raise StripeError(
                        404,
                        f"No such checkout.session: '{parts[3]}'",
                        code="resource_missing",
                        param="session",
                    )
                if method == "GET" and len(parts) == 4:
                    return deepcopy(session)
                if method == "POST" and parts[4:] == ["expire"]:
                    return self._expire_session(session)
        if parts == ["v1", "refunds"]:
            if method == "POST":
                return self._create_refund(params)
            return self._list_refunds(params)
        if parts[:2] == ["v1", "refunds"] and len(parts) == 3 and method == "GET":
            if parts[2] not in self.refunds:
                raise StripeError(404, f"No such refund: '{parts[2]}'", code="resource_missing")
            return deepcopy(self.refunds[parts[2]])
        raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")

    def _create_session(self, params: dict) -> dict:
        _unknown(params, SESSION_PARAMS)
        if params.get("mode") != "payment":
            raise StripeError(400, "Missing required param: mode.", param="mode")
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeError(400, "line_items is required in payment mode.", param="line_items")
        currencies, total = set(), 0
        for n, item in enumerate(items):
            if not isinstance(item, dict) or set(item) - {"quantity", "price_data"}:
                raise StripeError(400, "Invalid line item.", param=f"line_items[{n}]")
            quantity = _int(item, "quantity", minimum=1)
            price = item.get("price_data")
            if not isinstance(price, dict):
                raise StripeError(
                    400, "You must specify either price or price_data.", param="line_items"
                )
            unit = _int(price, "unit_amount", minimum=0)
            currency = price.get("currency", "")
            if not re.fullmatch(r"[a-z]{3}", currency):
                raise StripeError(400, f"Invalid currency: {currency}.", param="currency")
            product = price.get("product_data")
            if not isinstance(product, dict) or not product.get("name"):
                raise StripeError(
                    400, "Missing required param: line_items[][price_data][product_data][name]."
                )
            currencies.add(currency)
            total += unit * quantity
        if len(currencies) != 1:
            raise StripeError(400, "All line items must use the same currency.")
        (currency,) = currencies
        minimum = MINIMUM_CHARGE.get(currency, 50)
        if total < minimum:
            raise StripeError(
                400,
                f"The Checkout Session's total amount due must add up to at least "
                f"{minimum / 100:.2f} {currency}.",
                code="amount_too_small",
            )
        methods = params.get("allowed_payment_method_types")
        if methods is not None and (
            not isinstance(methods, list) or not all(isinstance(m, str) for m in methods)
        ):
            raise StripeError(400, "Invalid array", param="allowed_payment_method_types")
        if not params.get("success_url", "").startswith(("http://", "https://")):
            raise StripeError(400, "Not a valid URL", param="success_url")
        if "cancel_url" in params and not params["cancel_url"].startswith(("http://", "https://")):
            raise StripeError(400, "Not a valid URL", param="cancel_url")
        if "{CHECKOUT_SESSION_ID}" in params.get("cancel_url", ""):
            raise StripeError(400, "cancel_url cannot contain {CHECKOUT_SESSION_ID}.")
        locale = params.get("locale", "auto")
        if locale not in CHECKOUT_LOCALES:
            raise StripeError(400, f"Invalid locale: {locale}", param="locale")
        email = params.get("customer_email")
        if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
            raise StripeError(400, "Invalid email address: " + email, param="customer_email")
        if len(params.get("client_reference_id", "")) > 200:
            raise StripeError(400, "client_reference_id is too long.")
        metadata = _strings(params.get("metadata"), "metadata")
        intent_data = params.get("payment_intent_data") or {}
        _unknown(intent_data, {"description", "metadata"})
        _strings(intent_data.get("metadata"), "payment_intent_data[metadata]")
        now = int(time.time())
        expires_at = _int(params, "expires_at", required=False) or now + SESSION_MAX_SECONDS
        if not now + SESSION_MIN_SECONDS <= expires_at <= now + SESSION_MAX_SECONDS:
            raise StripeError(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from "
                "Checkout Session creation.",
                param="expires_at",
            )
        session_id = "cs_test_" + secrets.token_hex(24)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "amount_subtotal": total,
            "amount_total": total,
            "cancel_url": params.get("cancel_url"),
            "client_reference_id": params.get("client_reference_id"),
            "created": now,
            "allowed_payment_method_types": methods,
            "currency": currency,
            "customer_email": email,
            "expires_at": expires_at,
            "livemode": False,
            "locale": locale,
            "metadata": metadata,
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": methods or ["card", "klarna", "swish"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": params["success_url"],
            "url": f"{self.url}/c/pay/{session_id}",
        }
        self.sessions[session_id] = session
        self.line_items[session_id] = deepcopy(items)
        return deepcopy(session)

    def _expire_session(self, session: dict) -> dict:
        if session["status"] != "open":
            raise StripeError(
                400,
                f'Only Checkout Sessions with a status in ["open"] can be expired; this '
                f"one is {session['status']}.",
            )
        session["status"] = "expired"
        return deepcopy(session)

    def _intent_for_refund(self, params: dict) -> dict:
        intent = self.intents.get(params.get("payment_intent", ""))
        if intent is None:
            charge = params.get("charge")
            intent = next((i for i in self.intents.values() if i["latest_charge"] == charge), None)
        if intent is None:
            raise StripeError(
                400,
                f"No such payment_intent: '{params.get('payment_intent')}'",
                code="resource_missing",
                param="payment_intent",
            )
        if intent["status"] != "succeeded":
            raise StripeError(
                400,
                "This PaymentIntent does not have a successful charge to refund.",
                code="charge_not_refundable",
            )
        return intent

    def _create_refund(self, params: dict) -> dict:
        _unknown(params, REFUND_PARAMS)
        intent = self._intent_for_refund(params)
        if any(
            d["payment_intent"] == intent["id"] and d["status"] not in ("won", "warning_closed")
            for d in self.disputes.values()
        ):
            raise StripeError(
                400,
                f"Charge {intent['latest_charge']} has been charged back; cannot issue a refund.",
                code="charge_disputed",
            )
        left = intent["amount"] - intent["amount_refunded"]
        if left <= 0:
            raise StripeError(
                400,
                f"Charge {intent['latest_charge']} has already been refunded.",
                code="charge_already_refunded",
            )
        amount = _int(params, "amount", minimum=1, required=False)
        amount = left if amount is None else amount
        if amount > left:
            raise StripeError(
                400,
                f"Refund amount ({amount / 100:.2f} kr) is greater than unrefunded amount on "
                f"charge ({left / 100:.2f} kr)",
                code="amount_too_large",
                param="amount",
            )
        return deepcopy(self._refund(intent, amount, _strings(params.get("metadata"), "m")))

    def _refund(self, intent: dict, amount: int, metadata: dict | None = None) -> dict:
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "balance_transaction": None,
            "charge": intent["latest_charge"],
            "created": int(time.time()),
            "currency": intent["currency"],
            "failure_reason": None,
            "metadata": metadata or {},
            "payment_intent": intent["id"],
            "reason": None,
            "receipt_number": None,
            "status": self.refund_status,
        }
        self.refunds[refund["id"]] = refund
        intent["amount_refunded"] += amount
        return refund

    def _list_refunds(self, params: dict) -> dict:
        limit = _int(params, "limit", minimum=1, required=False) or 10
        intent = params.get("payment_intent")
        data = [r for r in self.refunds.values() if intent is None or r["payment_intent"] == intent]
        data.sort(key=lambda r: r["created"], reverse=True)
        return {
            "object": "list",
            "data": deepcopy(data[:limit]),
            "has_more": len(data) > limit,
            "url": "/v1/refunds",
        }

    # What happens on Stripe's side --------------------------------------------------

    def session(self, session_id: str | None = None) -> dict:
        """A session as Stripe has it now (the last one created by default)."""
        with self._lock:
            if session_id is None:
                session_id = list(self.sessions)[-1]
            return deepcopy(self.sessions[session_id])

    def created_sessions(self) -> list[dict]:
        """The parameters of every successful POST /v1/checkout/sessions."""
        return [
            r
            for r in self.requests
            if r["method"] == "POST" and r["path"] == "/v1/checkout/sessions"
        ]

    def pay(self, session_id: str | None = None, settles_later: bool = False, **override) -> dict:
        """The buyer completes Checkout: paid at once (card, Swish), or with a method that
        settles later (payment_status stays "unpaid"). `override` tampers with the
        session (e.g. amount_total) to test what the server checks."""
        with self._lock:
            session = self.sessions[session_id or list(self.sessions)[-1]]
            assert session["status"] == "open", f"cannot pay a {session['status']} session"
            intent_id = _new_id("pi")
            session.update(override)
            self.intents[intent_id] = {
                "id": intent_id,
                "amount": session["amount_total"],
                "amount_refunded": 0,
                "currency": session["currency"],
                "latest_charge": _new_id("ch"),
                "status": "processing" if settles_later else "succeeded",
            }
            session.update(
                status="complete",
                payment_intent=intent_id,
                payment_status="unpaid" if settles_later else "paid",
            )
            return deepcopy(session)

    def settle(self, session_id: str | None = None, succeeded: bool = True) -> dict:
        """The bank settles a payment that was pending: money arrives, or it fails."""
        with self._lock:
            session = self.sessions[session_id or list(self.sessions)[-1]]
            intent = self.intents[session["payment_intent"]]
            assert intent["status"] == "processing"
            intent["status"] = "succeeded" if succeeded else "requires_payment_method"
            if succeeded:
                session["payment_status"] = "paid"
            return deepcopy(session)

    def expire(self, session_id: str | None = None) -> dict:
        """The session reaches its expires_at unpaid."""
        with self._lock:
            return self._expire_session(self.sessions[session_id or list(self.sessions)[-1]])

    def refund_in_dashboard(self, payment_intent: str, amount: int | None = None) -> dict:
        """An organizer refunds in the Stripe dashboard, outside summit."""
        with self._lock:
            intent = self.intents[payment_intent]
            left = intent["amount"] - intent["amount_refunded"]
            return deepcopy(self._refund(intent, left if amount is None else amount))

    def update_refund(self, refund_id: str, status: str, failure_reason: str | None = None) -> dict:
        """A refund moves on at Stripe (pending to succeeded, or failed: the money is back
        on the account and counts as not refunded)."""
        assert status in REFUND_STATUSES
        with self._lock:
            refund = self.refunds[refund_id]
            if status in ("failed", "canceled") and refund["status"] not in ("failed", "canceled"):
                self.intents[refund["payment_intent"]]["amount_refunded"] -= refund["amount"]
            refund["status"] = status
            if status == "failed":
                refund["failure_reason"] = failure_reason or "expired_or_canceled_card"
            return deepcopy(refund)

    def dispute(self, payment_intent: str, reason: str = "fraudulent") -> dict:
        """The buyer's bank disputes the charge (charge.dispute.created)."""
        with self._lock:
            intent = self.intents[payment_intent]
            dispute = {
                "id": _new_id("dp"),
                "object": "dispute",
                "amount": intent["amount"] - intent["amount_refunded"],
                "balance_transactions": [],
                "charge": intent["latest_charge"],
                "created": int(time.time()),
                "currency": intent["currency"],
                "evidence_details": {"due_by": int(time.time()) + 7 * 86400},
                "is_charge_refundable": False,
                "livemode": False,
                "metadata": {},
                "payment_intent": payment_intent,
                "reason": reason,
                "status": "needs_response",
            }
            self.disputes[dispute["id"]] = dispute
            return deepcopy(dispute)

    def close_dispute(self, dispute_id: str, status: str = "won") -> dict:
        """The bank decides (charge.dispute.closed): won, lost, or warning_closed."""
        assert status in ("won", "lost", "warning_closed", "prevented")
        with self._lock:
            self.disputes[dispute_id]["status"] = status
            return deepcopy(self.disputes[dispute_id])

    def charge(self, payment_intent: str) -> dict:
        """The Charge of a PaymentIntent, as in a charge.refunded event: since API version
        2022-11-15 a Charge carries no `refunds` list (summit asks for the refunds)."""
        with self._lock:
            intent = self.intents[payment_intent]
            return {
                "id": intent["latest_charge"],
                "object": "charge",
                "amount": intent["amount"],
                "amount_captured": intent["amount"],
                "amount_refunded": intent["amount_refunded"],
                "currency": intent["currency"],
                "paid": True,
                "payment_intent": payment_intent,
                "refunded": intent["amount_refunded"] >= intent["amount"],
                "status": "succeeded",
            }

    def refunds_of(self, payment_intent: str) -> list[dict]:
        with self._lock:
            return [
                deepcopy(r) for r in self.refunds.values() if r["payment_intent"] == payment_intent
            ]

    # Webhooks ------------------------------------------------------------------------

    @staticmethod
    def event(type_: str, obj: dict, event_id: str | None = None) -> dict:
        """A webhook event as Stripe builds it (snapshot payload)."""
        return {
            "id": event_id or _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "data": {"object": deepcopy(obj)},
            "livemode": False,
            "pending_webhooks": 1,
            "request": {"id": None, "idempotency_key": None},
            "type": type_,
        }

    def sign(self, payload: str, secret: str | None = None, timestamp: int | None = None) -> str:
        """The Stripe-Signature header: t=<ts>,v1=<hex HMAC-SHA256(secret, "<ts>.<payload>")>."""
        timestamp = int(time.time()) if timestamp is None else timestamp
        mac = hmac.new(
            (secret or self.webhook_secret).encode(),
            f"{timestamp}.{payload}".encode(),
            hashlib.sha256,
        )
        return f"t={timestamp},v1={mac.hexdigest()}"

    def deliver(self, client, event: dict, secret: str | None = None, timestamp=None):
        """POST the event to summit's webhook, signed, as Stripe does."""
        payload = json.dumps(event, indent=2)
        return client.post(
            "/payments/stripe/webhook",
            data=payload,
            headers={
                "Stripe-Signature": self.sign(payload, secret, timestamp),
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            },
        )


# Orders to pay, made as a buyer makes them ----------------------------------------


def ticket_type(db, event, name="Ordinarie", price=150000, **kwargs):
    from summit.models import TicketType

    made = TicketType(event=event, name_sv=name, name_en=kwargs.pop("name_en", name), price=price)
    for key, value in kwargs.items():
        setattr(made, key, value)
    db.session.add(made)
    db.session.commit()
    return made


def reserved_order(event, quantities: dict, email="kim@example.org", locale="sv", code=None):
    """Seats reserved through reserve_tickets and the details saved, as the checkout
    page does before the buyer chooses how to pay."""
    from summit.services.tickets.ordering import (
        AttendeeDetails,
        BuyerDetails,
        reserve_tickets,
        save_details,
    )

    order = reserve_tickets(event, {t.id: n for t, n in quantities.items()}, code, locale)
    save_details(
        order,
        BuyerDetails("Kim Köpare", email),
        [AttendeeDetails(f"Deltagare {n}") for n in range(1, len(order.tickets) + 1)],
    )
    return order


def start_stripe(order) -> str:
    """The buyer chooses card/Swish/Klarna: a Checkout Session is made; its URL."""
    from summit.models import PaymentMethod
    from summit.services.payments import core

    return core.start_payment(order, PaymentMethod.STRIPE)


@contextlib.contextmanager
def running(app):
    """Start a fake and point the app's Stripe configuration at it; restore it after."""
    keys = ("STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_WEBHOOK_SECRET")
    saved = {key: app.config.get(key) for key in (*keys, "STRIPE_API_BASE")}
    fake = FakeStripe().start()
    app.config.update(
        STRIPE_SECRET_KEY=fake.api_key,
        STRIPE_PUBLISHABLE_KEY="pk_test_fake",
        STRIPE_WEBHOOK_SECRET=fake.webhook_secret,
        STRIPE_API_BASE=fake.url,
    )
    try:
        yield fake
    finally:
        fake.stop()
        app.config.update(saved)
