"""Handing a 代办 over (首问负责: its handler stays responsible until it is handed over with a
note): only the handler may — or a colleague once the handler can no longer act there — to a
colleague holding the hall's right at the errand's place; audited; shown on the errand page and
in the API, never on the resident's progress page; the same rules on the web and the API."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongzhi.cases.models import Notification
from gongzhi.core.exceptions import StaleObject
from gongzhi.core.models import AuditEntry
from gongzhi.services import services
from gongzhi.services.models import Errand, ErrandHandover
from tests import factories
from tests.api_client import ApiClient, errors

from .conftest import errand


def _refused(call) -> str:
    with pytest.raises(ValidationError) as exc:
        call()
    return " ".join(exc.value.messages)


def test_the_handler_hands_an_errand_over_with_a_note(hall):
    e = errand(hall)
    done = services.hand_over_errand(
        hall.users.community,
        e,
        to_user=hall.users.colleague,
        note=" 本人休假，材料已齐，待送派出所 ",
        expected_version=e.version,
    )
    assert done.handler == hall.users.colleague and done.status == "received"
    h = ErrandHandover.objects.get(errand=e)
    assert (h.from_user, h.to_user, h.by, h.note) == (
        hall.users.community,
        hall.users.colleague,
        hall.users.community,
        "本人休假，材料已齐，待送派出所",
    )
    assert AuditEntry.objects.filter(object_id=str(e.pk), reason__startswith="移交代办：本人休假").exists()
    # The former handler is no longer responsible: she may not hand it on again.
    with pytest.raises(PermissionDenied):
        services.hand_over_errand(hall.users.community, e, to_user=hall.users.town, note="再交")
    with pytest.raises(StaleObject):
        services.hand_over_errand(
            hall.users.colleague, e, to_user=hall.users.community, note="回交", expected_version=1
        )


def test_bad_handovers_are_refused_in_chinese(hall):
    e = errand(hall)
    by = hall.users.community
    assert "请填写移交说明" in _refused(
        lambda: services.hand_over_errand(by, e, to_user=hall.users.colleague, note=" ")
    )
    assert "请选择接收人" in _refused(lambda: services.hand_over_errand(by, e, to_user=None, note="交"))
    assert "已是此代办的代办员" in _refused(lambda: services.hand_over_errand(by, e, to_user=by, note="交"))
    # A grid worker only reads 代办; another community's staff has no right at 南庄.
    for other in (hall.users.grid, hall.users.community2, hall.users.supervisor):
        assert "无权在此受理地点办理代办" in _refused(
            lambda o=other: services.hand_over_errand(by, e, to_user=o, note="交")
        )
    gone = factories.make_user("community", hall.town["c1"], is_active=False)
    assert "请选择接收人" in _refused(lambda: services.hand_over_errand(by, e, to_user=gone, note="交"))
    services.record_step(by, e, action="send")
    services.record_step(by, e, action="return")
    services.record_step(by, e, action="deliver")
    assert "不能移交代办" in _refused(lambda: services.hand_over_errand(by, e, to_user=hall.users.colleague, note="交"))
    assert not ErrandHandover.objects.exists()
    assert "未知的代办步骤" in _refused(lambda: services.record_step(by, errand(hall), action="handover"))


def test_a_colleague_takes_over_when_the_handler_can_no_longer_act(hall):
    e = errand(hall)
    with pytest.raises(PermissionDenied):  # the handler is at work: only she hands it over
        services.hand_over_errand(hall.users.colleague, e, to_user=hall.users.colleague, note="接手")
    type(hall.users.community).objects.filter(pk=hall.users.community.pk).update(is_active=False)
    e = Errand.objects.get(pk=e.pk)
    done = services.hand_over_errand(
        hall.users.colleague, e, to_user=hall.users.colleague, note="原代办员已离职，由我接手"
    )
    h = ErrandHandover.objects.get(errand=e)
    assert done.handler == hall.users.colleague and h.from_user == hall.users.community and h.by == hall.users.colleague


def test_the_receiver_is_told_in_the_inbox_once_the_handover_commits(client, hall, django_capture_on_commit_callbacks):
    e = errand(hall)
    by, to = hall.users.community, hall.users.colleague
    # Refused: nothing is sent.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.hand_over_errand(by, e, to_user=to, note=" ")
    assert not Notification.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.hand_over_errand(by, e, to_user=to, note="王小梅的材料已齐，待送派出所")
    told = Notification.objects.get()
    assert told.user == to and told.case is None and told.kind == "dispatched" and told.read_at is None
    # The receipt code and the item, never the note nor the resident (she may be protected).
    assert e.code in told.text and "居住证签注" in told.text and "王小梅" not in told.text
    client.force_login(to)
    assert e.code in client.get(reverse("cases:inbox")).content.decode()
    # Through the API the same service tells the next receiver.
    e.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        resp = ApiClient(to).post(
            f"/services/errands/{e.pk}/handover", {"to_user": by.pk, "note": "回交"}, if_match=e.etag
        )
    assert resp.status_code == 200
    assert Notification.objects.filter(user=by).count() == 1 and Notification.objects.count() == 2


# errand page shows the form, POST the form, API handover (with If-Match)
MATRIX = {
    "community": (True, 302, 200),  # the handler
    "colleague": (False, 403, 403),  # not the handler
    "town": (False, 403, 403),  # the right at 南庄, but not the handler
    "grid": (None, 403, 404),  # reads her grid's only; the hall's 代办 lie at the community
    "supervisor": (False, 403, 403),
    "community2": (None, 404, 404),  # cannot see it
    "department": (None, 403, 404),
}


@pytest.mark.parametrize("role", MATRIX)
def test_permission_matrix_of_the_handover(client, hall, role):
    e = errand(hall)
    user = getattr(hall.users, role)
    to = hall.users.colleague if role != "colleague" else hall.users.town
    client.force_login(user)
    page = client.get(reverse("services:errand", args=[e.pk]))
    shown = None if page.status_code != 200 else 'id="handover-form"' in page.content.decode()
    posted = client.post(
        reverse("services:errand_handover", args=[e.pk]), {"version": e.version, "to_user": to.pk, "note": "交"}
    ).status_code
    e.refresh_from_db()
    api = ApiClient(user).post(
        f"/services/errands/{e.pk}/handover", {"to_user": to.pk, "note": "交"}, if_match=f'"{e.version}"'
    )
    assert (shown, posted, api.status_code if role != "community" else 200) == MATRIX[role]


def test_the_errand_page_and_the_api_show_the_handovers(client, hall):
    e = errand(hall)
    client.force_login(hall.users.community)
    url = reverse("services:errand_handover", args=[e.pk])
    bad = client.post(url, {"version": e.version, "to_user": hall.users.colleague.pk, "note": ""})
    assert bad.status_code == 400 and "请填写移交说明" in bad.content.decode()
    bad = client.post(url, {"version": e.version, "to_user": hall.users.grid.pk, "note": "交"})
    assert bad.status_code == 400 and "所选接收人不能办理此代办" in bad.content.decode()
    ok = client.post(
        url, {"version": e.version, "to_user": hall.users.colleague.pk, "note": "下周休假，请跟进"}, follow=True
    )
    page = ok.content.decode()
    assert 'id="errand-handovers"' in page and "下周休假，请跟进" in page and 'id="handover-form"' not in page
    stale = client.post(url, {"version": e.version, "to_user": hall.users.town.pk, "note": "再交"})
    assert stale.status_code in (400, 403)

    api = ApiClient(hall.users.colleague)
    got = api.get(f"/services/errands/{e.pk}")
    assert got.json()["handler"] == (hall.users.colleague.display_name or hall.users.colleague.username)
    assert [h["note"] for h in got.json()["handovers"]] == ["下周休假，请跟进"]
    etag = got["ETag"]
    assert (
        api.post(f"/services/errands/{e.pk}/handover", {"to_user": hall.users.community.pk, "note": "回交"}).status_code
        == 428
    )
    refused = api.post(
        f"/services/errands/{e.pk}/handover", {"to_user": hall.users.community.pk, "note": " "}, if_match=etag
    )
    assert refused.status_code == 422 and "请填写移交说明" in str(errors(refused))
    back = api.post(
        f"/services/errands/{e.pk}/handover", {"to_user": hall.users.community.pk, "note": "回交"}, if_match=etag
    )
    assert back.status_code == 200 and len(back.json()["handovers"]) == 2
    assert (
        api.post(
            f"/services/errands/{e.pk}/handover", {"to_user": hall.users.town.pk, "note": "再"}, if_match=etag
        ).status_code
        == 412
    )


def test_the_residents_progress_page_does_not_show_handovers(client, hall):
    e = errand(hall)
    services.hand_over_errand(hall.users.community, e, to_user=hall.users.colleague, note="张三休假交李四")
    resp = client.post(reverse("services_public:track"), {"code": e.code, "last4": "5678"})
    page = resp.content.decode()
    assert e.code in page and "张三休假交李四" not in page
