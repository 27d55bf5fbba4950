"""Tickets: buying them without overselling (ordering), starting again when a
reservation ran out (renewal), running sales as an organizer (sales), codes and
one-use vouchers (codes, vouchers), a person's own tickets (my_tickets), the emails
about orders and the reminders the day before (order_mail, reminders), and the ticket,
receipt and invoice PDFs (documents). Payments live in services/payments/.
"""
