"""Session feedback (issue 17.1): who may rate (attendance), ratings, the personal rating
link (links), the after-event mail that carries it (thanks_mail), the results for
organizers, speakers and the impact report (results), and what a person's data request
finds and erases (privacy)."""
