"""A certificate as a PDF: A4, in Swedish or English, the event's accent colour and
logo, the name set so no word breaks, and the link (and QR code) of its verification
page. PDF/UA like every document (services/pdf.py): a title, the language, headings, a
table with headers for the sessions, alt text on the logo and the QR code.
"""

from datetime import date, datetime

from flask import current_app
from flask_babel import force_locale

from ...config import SELLER_DEFAULTS
from ...i18n import format_date, format_datetime
from ...models import Certificate, CertificateKind
from ...urls import external_url
from ..branding import brand_of
from ..name_type import fit_name
from ..pdf import data_uri, html_to_pdf, qr_png

# The name: one line 150 mm wide (A4 less the frame and margins) from 30 pt down to
# 20 pt, else wrapped between words (name_type keeps every word whole).
NAME = (150, 30, 20)


def verification_url(certificate: Certificate) -> str:
    return external_url("certificates.verify", token=certificate.token)


def certificate_pdf(certificate: Certificate, locale: str) -> bytes:
    """The certificate's PDF in `locale` ("sv" or "en")."""
    return html_to_pdf(certificate_html(certificate, locale))


def certificate_html(certificate: Certificate, locale: str) -> str:
    event = certificate.event
    with force_locale(locale):
        url = verification_url(certificate)
        context = {
            "certificate": certificate,
            "event": event,
            "lang": locale,
            "brand": brand_of(event),
            "seller": {"name": issuer()},
            "name": fit_name(certificate.name, *NAME),
            "attendance": certificate.kind is CertificateKind.ATTENDANCE,
            **facts(certificate),
            "url": url,
            "qr": data_uri(qr_png(url)),
            "title": f"{certificate.kind.label} – {certificate.name} – {event.name}",
        }
        return current_app.jinja_env.get_template("documents/certificate.html").render(**context)


def facts(certificate: Certificate) -> dict:
    """What the certificate states, in the current language: its days, its sessions
    (title and when) and the day it was issued; the PDF and the verification page both
    show them."""
    event = certificate.event
    return {
        "days": [format_date(date.fromisoformat(d), "weekday_date") for d in certificate.days],
        "sessions": [
            {
                "title": s["title"],
                "when": format_datetime(
                    datetime.fromisoformat(s["starts_at"]), "long_datetime", event=event
                ),
            }
            for s in certificate.sessions
        ],
        "issued_on": format_date(certificate.issued_at, "long_date", event=event),
        "issuer": issuer(),
    }


def issuer() -> str:
    return current_app.config.get("SELLER_NAME") or SELLER_DEFAULTS["SELLER_NAME"]


def filename(certificate: Certificate, locale: str) -> str:
    attendance = certificate.kind is CertificateKind.ATTENDANCE
    if locale == "en":
        kind = "certificate-" + ("attendance" if attendance else "presentation")
    else:
        kind = "intyg-" + ("deltagande" if attendance else "medverkan")
    return f"{kind}-{certificate.event.slug}-{certificate.token[:8]}.pdf"
