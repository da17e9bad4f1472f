"""Where scoped permissions come from: the memberships (user × territory node × role) kept
here, and a resident's link to their registry record. The rules themselves (paths, `scope_q`,
`ScopedQuerySet`…) are core's (core/scoping.py), and every app imports them from there; this
app supplies the rows through its manifest (accounts/apps.py)."""

# The seeded role whose permissions a linked resident holds on their own community/village.
RESIDENT_ROLE = "resident"


def grant_rows(user_id) -> list[tuple[str, str, str]]:
    """(node path, app label, codename) for each permission of each membership of the user,
    and — when the user is linked to an active registry resident — each permission of the
    `resident` role on the community/village (社区/村, the level-3 node) above that resident's
    grid.

    The second part is why a linked resident sees their community's matters, meetings,
    decisions and drafts on every channel (web, API, export) — every read asks `grants` — and
    why the scope follows the registry: a resident who moves to another community sees the new
    one from the next request on; one unlinked, moved out or deceased sees none. A membership
    can still grant the role explicitly (as any role).

    Written as SQL because every API request asks (no cache to go stale, so a revoked
    membership counts from the next request on): the ORM's five-table values_list took 1.2 ms
    CPU, mostly building its SQL; this takes 0.25 ms (docs/decisions/0005-api-request-queries.md).
    Both parts are one statement (UNION ALL), so a request still pays a single query."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from gongzhi.registry.choices import Status
    from gongzhi.registry.models import Resident
    from gongzhi.territory.choices import Level
    from gongzhi.territory.models import Node

    from .models import Membership, Role, User

    qn = connection.ops.quote_name
    perms = (
        f"INNER JOIN {qn(Role.permissions.through._meta.db_table)} rp ON rp.role_id = {{role}} "
        f"INNER JOIN {qn(Permission._meta.db_table)} p ON p.id = rp.permission_id "
        f"INNER JOIN {qn(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id "
    )
    memberships = (
        f"SELECT n.path, ct.app_label, p.codename FROM {qn(Membership._meta.db_table)} m "
        + perms.format(role="m.role_id")
        + f"INNER JOIN {qn(Node._meta.db_table)} n ON n.id = m.node_id WHERE m.user_id = %s"
    )
    # A resident's grid is a level-4 node whose parent is the community (Node.clean keeps
    # each parent one level up); a resident filed directly on a community counts there.
    linked = (
        f"SELECT c.path, ct.app_label, p.codename FROM {qn(User._meta.db_table)} u "
        f"INNER JOIN {qn(Resident._meta.db_table)} r ON r.id = u.resident_id AND r.status = %s "
        f"INNER JOIN {qn(Node._meta.db_table)} g ON g.id = r.grid_id "
        f"INNER JOIN {qn(Node._meta.db_table)} c "
        f"ON c.id = CASE WHEN g.level = %s THEN g.id ELSE g.parent_id END AND c.level = %s "
        f"INNER JOIN {qn(Role._meta.db_table)} ro ON ro.slug = %s " + perms.format(role="ro.id") + "WHERE u.id = %s"
    )
    params = [user_id, str(Status.ACTIVE), int(Level.COMMUNITY), int(Level.COMMUNITY), RESIDENT_ROLE, user_id]
    with connection.cursor() as cursor:
        cursor.execute(f"{memberships} UNION ALL {linked}", params)
        return cursor.fetchall()
