"""Service request pages: public.py (filing and tracking, no login), staff.py (lists, detail,
actions) and desk.py (intake by field and hotline staff, statistics). The inbox is the case
engine's (gongzhi/cases/views.py)."""
