"""Where e-invoices leave us: a Peppol access point, behind one small interface.

`deliver(document_xml, receiver, sender, document_number)` hands one UBL document to the
access point and returns its reference for it, or raises TransientError (try again
later: the network, a timeout, the provider busy or down) or PermanentError (retrying
will not help: the provider refuses this document or our credentials).

Two kinds: an HTTP access point (ACCESS_POINT_URL, with ACCESS_POINT_TOKEN as bearer
token), and a directory drop (ACCESS_POINT_DIR, by default instance/einvoices), where
each document is written as a file for a person or a file transfer to take on; the
development default, so the whole flow runs without a provider.
"""

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Protocol

from flask import current_app

# Answers that say "not now" rather than "not this": retried.
TRANSIENT_STATUSES = {408, 425, 429, 500, 502, 503, 504}


class AccessPointError(Exception):
    permanent = False


class TransientError(AccessPointError):
    """The document may go through later."""


class PermanentError(AccessPointError):
    """The document will not go through as it is."""

    permanent = True


class AccessPoint(Protocol):
    def deliver(
        self, document_xml: bytes, receiver: str, sender: str, document_number: int
    ) -> str: ...


class DirectoryDrop:
    """Writes each document to `directory` as <number>-<receiver>.xml, whole or not at
    all (written beside and renamed); the same document again replaces its file."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def deliver(self, document_xml: bytes, receiver: str, sender: str, document_number: int) -> str:
        name = f"{int(document_number)}-{re.sub(r'[^0-9A-Za-z]+', '-', receiver)}.xml"
        target = self.directory / name
        partial = self.directory / f".{name}.partial"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial.write_bytes(document_xml)
            os.replace(partial, target)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise TransientError(f"cannot write {target}: {error.strerror}") from error
        return str(target)


class HttpAccessPoint:
    """POSTs the document to the provider's URL as application/xml, naming receiver and
    sender (Peppol participant ids) in headers, with an idempotency key made from the
    sender and the document number: a retry after a lost answer is the same message to
    the provider, not a second invoice. The reference is the answer's JSON "id" (or
    "reference"), else its Location header."""

    def __init__(self, url: str, token: str = "", timeout: float = 30.0):
        self.url, self.token, self.timeout = url, token, timeout

    def deliver(self, document_xml: bytes, receiver: str, sender: str, document_number: int) -> str:
        headers = {
            "Content-Type": "application/xml; charset=utf-8",
            "Accept": "application/json",
            "X-Peppol-Receiver": receiver,
            "X-Peppol-Sender": sender,
            "Idempotency-Key": f"{sender}-{int(document_number)}",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 (the configured provider's URL)
            self.url, data=document_xml, headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body, location = response.read(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            said = _excerpt(error.read())
            kind = TransientError if error.code in TRANSIENT_STATUSES else PermanentError
            raise kind(f"access point answered {error.code}: {said}") from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise TransientError(f"access point unreachable: {reason}") from error
        return _reference(body) or location


def _excerpt(body: bytes) -> str:
    return body[:500].decode("utf-8", "replace").strip()


def _reference(body: bytes) -> str:
    try:
        answer = json.loads(body or b"null")
    except ValueError:
        return ""
    if isinstance(answer, dict):
        return str(answer.get("id") or answer.get("reference") or "")[:300]
    return ""


def configured() -> AccessPoint:
    """The access point the configuration names: HTTP when ACCESS_POINT_URL is set,
    else the directory drop."""
    config = current_app.config
    if config.get("ACCESS_POINT_URL"):
        return HttpAccessPoint(
            config["ACCESS_POINT_URL"],
            config.get("ACCESS_POINT_TOKEN", ""),
            float(config.get("ACCESS_POINT_TIMEOUT", 30)),
        )
    return DirectoryDrop(
        Path(config.get("ACCESS_POINT_DIR") or Path(current_app.instance_path) / "einvoices")
    )
