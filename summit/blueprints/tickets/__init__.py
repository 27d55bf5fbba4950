"""Tickets: the shop, checkout and the buyer's order page (views), and the organizers'
ticket types, discount codes, sales, orders (manage) and vouchers (manage_vouchers)."""

# The organizers' pages are under /manage/events/<slug>/, as every capability's are.
MANAGE = "/manage/events/<slug>"
