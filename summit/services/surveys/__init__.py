"""Surveys after an event: building them (setup), sending them and their reminders
(sending, run by the worker), answering through a personal link (answering), the
results (results) and a person's answers exported or erased (privacy)."""
