"""The audit list's .xlsx: the filtered, scoped entries as the page shows them (masked, sensitive
groups hidden), the export itself logged, and a too-large export refused with a message."""

import io

from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core import audit_export
from gongzhi.core.models import AuditEntry
from tests.factories import make_resident, make_user, sensitive_tag


def sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    return [[c if c is not None else "" for c in row] for row in ws.iter_rows(values_only=True)]


def test_export_is_scoped_filtered_masked_and_logged(client, town):
    from gongzhi.registry import services

    r = make_resident(town["g11"], name="南庄人", phone="13511112222")
    services.update_resident(r, {"phone": "13511113333"}, reason="换号")
    make_resident(town["g21"], name="梁丰人")
    user = make_user("supervisor", town["c1"])
    client.force_login(user)
    rows = sheet(client.get(reverse("core:audit_list"), {"export": "xlsx", "action": "update"}))
    assert rows[0] == audit_export.HEADERS
    assert "梁丰人" not in str(rows) and {row[3] for row in rows[1:]} == {"修改"}
    [person] = [row for row in rows[1:] if row[5] == "南庄人"]
    assert "135****3333" in person[6] and "13511113333" not in str(rows) and person[7] == "换号"
    logged = AuditEntry.objects.get(action="export", actor=user)
    assert logged.after == {"rows": len(rows) - 1, "masked": True} and logged.node_path == town["c1"].path


def test_export_hides_people_in_sensitive_groups(client, town):
    from gongzhi.core.audit import acting
    from gongzhi.registry import services

    r = make_resident(town["g11"], name="蒋敏感", tags=[sensitive_tag()])
    with acting(user=make_user("sensitive", town["c1"]), source="web"):
        services.log_sensitive_view(r)
    client.force_login(make_user("supervisor", town["c1"]))
    text = str(sheet(client.get(reverse("core:audit_list"), {"export": "xlsx"})))
    assert "蒋敏感" not in text and "蒋*感" in text and "社区矫正" not in text


def test_too_large_export_is_refused_with_a_message(client, town, monkeypatch):
    monkeypatch.setattr(audit_export, "MAX_ROWS", 1)
    make_resident(town["g11"], name="甲")
    make_resident(town["g11"], name="乙")
    client.force_login(make_user("community", town["c1"]))
    response = client.get(reverse("core:audit_list"), {"export": "xlsx", "action": "create"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("?action=create")
    assert "超过单次导出上限" in response.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_export_requires_the_audit_permission(client, town):
    client.force_login(make_user("grid", town["g11"]))
    assert client.get(reverse("core:audit_list"), {"export": "xlsx"}).status_code == 403
