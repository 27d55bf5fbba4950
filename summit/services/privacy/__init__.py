"""Personal data done right (GDPR): retention rules run by the worker, a person's
export (art. 15) and erasure (art. 17) across every data holder, consents, the log of
bulk access, the privacy notice and the accessibility statement's reports.

Every capability that keeps personal data registers a data holder (registry.HOLDERS):
a module with `export_person(email) -> list[dict[str, str]]` and `erase_person(email)
-> str` (what it kept and why, "" if nothing).
"""
