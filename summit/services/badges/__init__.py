"""Name badges: whose badges and what is printed on them, and the print log (printing),
the PDF itself (render), print runs in the background (jobs), and the badge a door
station offers after a scan (arrival). Names are set by services/name_type.py.
"""
