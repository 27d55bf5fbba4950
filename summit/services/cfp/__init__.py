"""The call for speakers: settings (cfp_setup), speakers' profiles and photos
(speakers), proposals and co-speakers (proposals, co_speakers), the allowed state
changes (proposal_states, the only place that changes a proposal's state), review
(reviews: who reviews what, scores; review_results: mean and median, the decision
table, the anonymised view), decisions and their emails (decisions, decision_mail),
the confirmed speakers' sessions and tickets (confirmation), and the links in the
emails (links).

Every function that changes data validates first and raises a CfpError (a ValueError)
with nothing stored when the input or the state does not allow the change.
"""

from .errors import CfpError, LinkRefused, NotAllowed, PhotoError, StaleEdit, TransitionError

__all__ = ["CfpError", "LinkRefused", "NotAllowed", "PhotoError", "StaleEdit", "TransitionError"]
