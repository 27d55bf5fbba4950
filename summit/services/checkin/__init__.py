"""Check-in at the door: a scan's verdict and the check-in itself (decision), what door
staff look up by hand and undo (lookup), and the lists, stations and figures organizers
set up and watch (setup).
"""
