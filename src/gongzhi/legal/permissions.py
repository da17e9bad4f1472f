"""Permission strings of the legal services, checked at the territory path of the record:
an adviser at the community they serve, a consultation and a referral at the place they are
about (the resident's grid, or the community that logged them), an activity where it was held.
Grid workers and supervisors only read."""

VIEW_ADVISER = "legal.view_adviser"
ADD_ADVISER = "legal.add_adviser"
CHANGE_ADVISER = "legal.change_adviser"
VIEW_CONSULTATION = "legal.view_consultation"
LOG_CONSULTATION = "legal.add_consultation"
CHANGE_CONSULTATION = "legal.change_consultation"  # correct a logged consultation
VIEW_REFERRAL = "legal.view_referral"
REFER = "legal.add_referral"
DECIDE_REFERRAL = "legal.change_referral"
VIEW_ACTIVITY = "legal.view_activity"
ADD_ACTIVITY = "legal.add_activity"
CHANGE_ACTIVITY = "legal.change_activity"  # correct a recorded activity
EXPORT = "legal.export_legal"

_READ = ["view_adviser", "view_consultation", "view_referral", "view_activity"]
_WRITE = [
    "add_adviser",
    "change_adviser",
    "add_consultation",
    "change_consultation",
    "add_referral",
    "change_referral",
    "add_activity",
    "change_activity",
]

# What each seeded role holds (legal/apps.py adds them after accounts seeded the roles).
ROLE_PERMISSIONS = {
    "town": [*_READ, *_WRITE, "export_legal"],
    "community": [*_READ, *_WRITE, "export_legal"],
    # A grid worker reads the records of her area (and her community's adviser and activities).
    "grid": list(_READ),
    "supervisor": list(_READ),
}
