"""Meeting across sectors (issue 17.6): the opt-in participant list of an event
(listing), and what a person's data request finds and erases in it (privacy)."""
