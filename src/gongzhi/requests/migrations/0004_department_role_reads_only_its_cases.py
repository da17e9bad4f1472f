"""The seeded department role (职能部门) no longer reads the registry: it held
registry.view_resident/view_household/view_tag/view_residentmove on the whole town, so 城管
could read every resident's 八字段. A department now sees only the residents and households
its assigned requests refer to, masked, on the request page (requests/referenced.py).

Seeding only adds permissions (accounts/roles.py), so removing them takes this migration. It
touches the seeded role only: an administrator who wants some department to read the registry
gives it a separate role, which this does not change. In a new database the role does not
exist yet (seeding runs after migrate), so there is nothing to remove."""
from django.db import migrations

REMOVED = ("view_resident", "view_household", "view_tag", "view_residentmove")
DESCRIPTION = "查看服务区域内的楼栋和单位；承办派给本单位的诉求，只能看到诉求涉及的居民和住户（号码脱敏）"


def forwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    role = Role.objects.filter(slug="department").first()
    if role is None:
        return
    role.permissions.remove(*Permission.objects.filter(content_type__app_label="registry", codename__in=REMOVED))
    Role.objects.filter(pk=role.pk).update(description=DESCRIPTION)


def backwards(apps, schema_editor):
    Role = apps.get_model("accounts", "Role")
    Permission = apps.get_model("auth", "Permission")
    role = Role.objects.filter(slug="department").first()
    if role is not None:
        role.permissions.add(*Permission.objects.filter(content_type__app_label="registry", codename__in=REMOVED))


class Migration(migrations.Migration):

    dependencies = [
        ("servicerequests", "0003_category_visibility_and_contact_permission"),
        ("accounts", "0001_initial"),
        ("registry", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
