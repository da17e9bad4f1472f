"""What volunteering adds to the seeded roles, run after migrate like care's own seeding
(care/apps.py connects it); like it, it never removes a permission."""


def exists() -> bool:
    """Has the demo made volunteers already?"""
    from .models import Volunteer

    return Volunteer.objects.exists()


def seed_roles(sender, **kwargs):
    from django.contrib.auth.models import Permission

    from gongzhi.accounts.models import Role

    from .permissions import ROLE_PERMISSIONS

    found = {p.codename: p for p in Permission.objects.filter(content_type__app_label="care")}
    for slug, codenames in ROLE_PERMISSIONS.items():
        role = Role.objects.filter(slug=slug).first()
        if role is not None:
            role.permissions.add(*[found[c] for c in codenames if c in found])
