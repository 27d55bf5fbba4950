"""Mail to attendee groups: who gets it (recipients), what it says (fields), how it is
sent once per address per round (sending) and who asked for no more (unsubscribe)."""
