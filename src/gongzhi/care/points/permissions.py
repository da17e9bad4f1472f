"""Permission strings of points schemes, one constant each, checked at the territory path of
the record: a scheme's node, an entry's grid (a membership on a node covers its subtree)."""

VIEW_SCHEME = "care.view_pointsscheme"
MANAGE_SCHEME = "care.change_pointsscheme"  # create, write rules, publish, close
VIEW_ENTRY = "care.view_pointsentry"
ADD_ENTRY = "care.add_pointsentry"
APPROVE_ENTRY = "care.approve_pointsentry"
EXPORT = "care.export_pointsentry"
VIEW_RANKING = "care.view_pointsranking"
FILE_APPEAL = "care.add_pointsappeal"  # staff filing on a participant's behalf
DECIDE_APPEAL = "care.decide_pointsappeal"

# What each seeded role may do with points (added to the roles by points/roles.py). A
# resident (an account linked to her registry record) reads the ranking of her community,
# with the others' names masked, and her own statement; she appeals her own entries.
ROLE_PERMISSIONS = {
    "town": [
        "view_pointsscheme",
        "add_pointsscheme",
        "change_pointsscheme",
        "view_pointsentry",
        "add_pointsentry",
        "approve_pointsentry",
        "export_pointsentry",
        "view_pointsranking",
        "view_pointsappeal",
        "add_pointsappeal",
        "decide_pointsappeal",
    ],
    "community": [
        "view_pointsscheme",
        "add_pointsscheme",
        "change_pointsscheme",
        "view_pointsentry",
        "add_pointsentry",
        "approve_pointsentry",
        "export_pointsentry",
        "view_pointsranking",
        "view_pointsappeal",
        "add_pointsappeal",
        "decide_pointsappeal",
    ],
    "grid": ["view_pointsscheme", "view_pointsentry", "add_pointsentry", "view_pointsranking", "add_pointsappeal"],
    "supervisor": ["view_pointsscheme", "view_pointsentry", "view_pointsranking", "view_pointsappeal"],
    "resident": ["view_pointsscheme", "view_pointsranking"],
}


def seed_roles(sender, **kwargs):
    """Add the points permissions to the seeded roles that exist (never removing one)."""
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="care")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])
