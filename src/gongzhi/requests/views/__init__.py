"""Service request pages: public.py (filing and tracking, no login), staff.py (lists, detail,
actions) and desk.py (intake by field and hotline staff, inbox, statistics)."""
