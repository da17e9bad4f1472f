"""The one builder of audit rows (core.audit_rows): the ORM entry and the raw-SQL row are the
same row; one actor-name rule; the correlation id shared by what one action writes, new for
each request, shown as one block on the history page and exported."""

import io

from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core import audit, audit_export, audit_rows
from gongzhi.core import services as core
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services as registry
from gongzhi.registry.models import Resident
from tests.factories import make_resident, make_user


def _last_rows(n):
    columns = [f.column for f in AuditEntry._meta.concrete_fields if f.column not in ("id", "at")]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {', '.join(columns)} FROM core_auditentry ORDER BY id DESC LIMIT {n}")
        return cur.fetchall()


def test_sql_rows_store_what_the_orm_entry_stores(town):
    """Raw params (values prepared by the builder, or JSON text given pre-encoded) and
    core.services.record write identical rows, for a user, a command and the system."""
    user = make_user("community", town["c1"])
    rows = audit_rows.sql()
    before, after = {"name": "旧"}, {"name": "新", "n": 3}
    for who in ({"user": user, "source": "web", "ip": "10.0.0.8"}, {"source": "cli"}, {"source": "system"}):
        with audit.acting(**who, new_action=True) as ctx:
            fields = {"before": before, "after": after, "reason": "x\x00y"}
            core.record("update", model=Resident, object_id=7, object_repr="张三" * 150, node_path="1/2/", **fields)
            rows.insert([rows.params(rows.head("update", Resident), 7, "张三" * 150, "1/2/", rows.stamp(), **fields)])
        fast, orm = _last_rows(2)
        assert fast == orm, who
        stored = list(AuditEntry.objects.order_by("-id")[:2])
        assert {e.correlation_id for e in stored} == {ctx.correlation_id}
        assert stored[0].reason == "xy" and len(stored[0].object_repr) == 200
    # Pre-encoded JSON text is stored as the same JSON value.
    with audit.acting(user=user, new_action=True):
        head = rows.head("create", Resident)
        rows.insert([rows.params(head, 8, "李四", "", rows.stamp(), after='{"name":"李四"}', encoded=True)])
    assert AuditEntry.objects.order_by("-id").first().after == {"name": "李四"}


def test_one_actor_name_rule(town):
    user = make_user("community", town["c1"])
    assert audit_rows.actor_name(user) == user.get_full_name() == "community用户"
    assert audit_rows.actor_name(None, "cli") == "cli"
    assert audit_rows.actor_name(None, "system") == audit_rows.actor_name(None) == "系统"
    assert audit_rows.actor_name(None, system="System") == "System"


def test_one_action_shares_a_correlation_id_and_the_next_gets_its_own(town):
    with audit.acting(source="cli", new_action=True) as outer:
        r = make_resident(town["g11"], name="同一次")
        with audit.acting(user=make_user("community", town["c1"])):  # nested: the same action
            registry.update_resident(r, {"phone": "13500001111"}, reason="补电话")
    with audit.acting(source="cli", new_action=True) as other:
        registry.update_resident(r, {"phone": "13500002222"}, reason="换号")
    entries = AuditEntry.objects.filter(object_id=str(r.pk), content_type__model="resident")
    ids = list(entries.values_list("correlation_id", flat=True))
    assert len(ids) == 3 and ids.count(outer.correlation_id) == 2 and ids.count(other.correlation_id) == 1
    assert outer.correlation_id != other.correlation_id and len(outer.correlation_id) == 32


def test_two_requests_get_different_ids_and_the_export_has_the_column(client, town):
    client.force_login(make_user("supervisor", town["c1"]))
    for _ in range(2):
        response = client.get(reverse("core:audit_list"), {"export": "xlsx"})
    exports = list(AuditEntry.objects.filter(action="export").order_by("id").values_list("correlation_id", flat=True))
    assert len(exports) == 2 and len(set(exports)) == 2 and all(exports)
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0] == tuple(audit_export.HEADERS) and rows[0][-1] == "关联编号"
    assert rows[1][-1] == exports[0]  # the first export, listed in the second


def test_history_page_shows_one_action_as_one_block(client, town):
    with audit.acting(source="cli", new_action=True):
        r = make_resident(town["g11"], name="一块")
        registry.update_resident(r, {"phone": "13500001111"}, reason="补电话")
    with audit.acting(source="cli", new_action=True):
        registry.update_resident(r, {"phone": "13500002222"}, reason="换号")
    client.force_login(make_user("community", town["c1"]))
    html = client.get(reverse("registry:resident_history", args=[r.pk])).content.decode()
    assert html.count('<tbody class="audit-group') == 2 and html.count("audit-grouped") == 1
    assert "及另外 1 条相关记录" in html
    # The folded entry is the older one of the block (the creation), after the lead (the update).
    block = html[html.index("audit-grouped") :]
    assert block.index("补电话") < block.index("及另外 1 条相关记录") < block.index("新增")
