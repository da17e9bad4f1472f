"""Permission strings of social organisations and 共驻共建, checked at the territory path of
the record: an organisation or a unit at the town or community that keeps it, a purchased
service at its organisation's node, a pledge or agreement at its unit's node."""

VIEW_ORG = "organisations.view_organisation"
CHANGE_ORG = "organisations.change_organisation"  # add, edit, members
VIEW_SERVICE = "organisations.view_purchasedservice"
CHANGE_SERVICE = "organisations.change_purchasedservice"  # buy, evaluate
VIEW_UNIT = "organisations.view_cobuildunit"
CHANGE_UNIT = "organisations.change_cobuildunit"  # units, pledges, agreements
EXPORT = "organisations.export_organisations"

_READ = ["view_organisation", "view_purchasedservice", "view_cobuildunit"]
_WRITE = ["change_organisation", "change_purchasedservice", "change_cobuildunit", "export_organisations"]

# What each seeded role holds (organisations/apps.py adds them after accounts seeded the roles).
ROLE_PERMISSIONS = {
    "town": _READ + _WRITE,
    "community": _READ + _WRITE,
    # A grid worker and the supervisory committee read the registers of their area.
    "grid": list(_READ),
    "supervisor": list(_READ),
}
