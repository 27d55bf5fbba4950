"""Certificates of attendance and of presentation: who gets which (issuing), the PDF
(document), and the organizers' bulk runs (bulk)."""
