"""Where scoped permissions come from: the memberships (user × territory node × role) kept
here. The rules themselves (paths, `scope_q`, `ScopedQuerySet`…) are core's
(core/scoping.py), and every app imports them from there; this app supplies the rows through
its manifest (accounts/apps.py)."""


def grant_rows(user_id) -> list[tuple[str, str, str]]:
    """(node path, app label, codename) for each permission of each membership of the user.

    Written as SQL because every API request asks (no cache to go stale, so a revoked
    membership counts from the next request on): the ORM's five-table values_list took 1.2 ms
    CPU, mostly building its SQL; this takes 0.25 ms (docs/decisions/0005-api-request-queries.md)."""
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from gongzhi.territory.models import Node

    from .models import Membership, Role

    qn = connection.ops.quote_name
    sql = (
        f"SELECT n.path, ct.app_label, p.codename FROM {qn(Membership._meta.db_table)} m "
        f"INNER JOIN {qn(Role.permissions.through._meta.db_table)} rp ON rp.role_id = m.role_id "
        f"INNER JOIN {qn(Permission._meta.db_table)} p ON p.id = rp.permission_id "
        f"INNER JOIN {qn(ContentType._meta.db_table)} ct ON ct.id = p.content_type_id "
        f"INNER JOIN {qn(Node._meta.db_table)} n ON n.id = m.node_id WHERE m.user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return cursor.fetchall()
