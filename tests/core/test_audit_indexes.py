"""The audit log's indexes: an object's history reads the (content_type, object_id, at) index
on both databases, and the two indexes no read uses (content type alone, correlation id) are
gone — every audited action would pay for them (core migration 0005)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from gongzhi.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        return {
            name
            for name, info in connection.introspection.get_constraints(cursor, AuditEntry._meta.db_table).items()
            if info["index"] and not info["primary_key"]
        }


def _plan(qs) -> str:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The test table is tiny: without this the planner reads it whole whatever exists.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(row[-1] for row in cursor.fetchall())


def test_the_unused_audit_indexes_are_gone_and_the_composite_stays():
    names = _indexes()
    assert not any("correlation_id" in n for n in names), names
    assert "core_auditentry_content_type_id_797ef574" not in names
    composite = [
        info["columns"]
        for info in connection.introspection.get_constraints(connection.cursor(), AuditEntry._meta.db_table).values()
        if info["index"] and info["columns"][:1] == ["content_type_id"]
    ]
    assert composite == [["content_type_id", "object_id", "at"]]


def test_an_objects_history_reads_the_composite_index():
    ct = ContentType.objects.get_for_model(AuditEntry)
    AuditEntry.objects.bulk_create(
        AuditEntry(action="update", content_type=ct, object_id=str(i % 7), node_path="1/") for i in range(50)
    )
    plan = _plan(AuditEntry.objects.filter(content_type=ct, object_id="3")[:20])
    assert "core_audite_content_fae194_idx" in plan, plan
