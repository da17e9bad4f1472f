"""The web pages of notices: the permission matrix (role × page × in/out of scope), drafting with
bad input kept on the form, publishing, the resident's home card and reading, the tell-list and
its mark, the broadcast sheet, the public page, exports and query-count guards."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.core.models import AuditEntry
from gongzhi.notices import services
from gongzhi.notices.choices import Status
from gongzhi.notices.models import Notice, ReadReceipt, Told

from .conftest import draft, published


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    ("who", "page", "expected"),
    [
        ("community", "list", 200),
        ("community", "detail", 200),
        ("community", "edit", 200),
        ("community", "tell_notice", 200),
        ("community2", "detail", 404),
        ("community2", "tell_notice", 404),
        ("town", "detail", 200),
        ("grid", "list", 200),
        ("grid", "detail", 200),  # a notice of her community reaches her grid
        ("grid", "edit", 403),
        ("grid", "create", 403),
        ("grid", "tell_notice", 200),
        ("supervisor", "detail", 200),
        ("supervisor", "tell_notice", 403),
        ("supervisor", "create", 403),
        ("li", "list", 403),
        ("li", "detail", 403),
        ("li", "tell", 403),
        ("carer", "list", 403),
    ],
)
def test_page_permission_matrix(client, nt, who, page, expected):
    notice = published(nt)
    if page == "edit":
        notice = draft(nt)
    url = reverse(f"notices:{page}", args=[] if page in ("list", "create", "tell") else [notice.pk])
    assert _get(client, getattr(nt.users, who), url).status_code == expected


def test_anonymous_is_sent_to_login(client, nt):
    notice = published(nt)
    for url in (reverse("notices:list"), reverse("notices:detail", args=[notice.pk]), reverse("notices:mine")):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_create_keeps_what_was_typed_on_bad_input(client, nt):
    client.force_login(nt.users.community)
    data = {
        "title": "停水通知",
        "body": "周六停水",
        "node": nt.town["c1"].pk,
        "audience": "territory",
        "valid_from": "2026-12-10",
        "valid_until": "2026-12-01",
    }
    response = client.post(reverse("notices:create"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "有效期至不能早于有效期自" in page and "停水通知" in page
    assert not Notice.objects.exists()
    data["node"] = nt.town["c2"].pk  # not hers: not even a choice
    assert "选择一个有效的选项" in client.post(reverse("notices:create"), data).content.decode()
    data.update(node=nt.town["c1"].pk, valid_until="2026-12-20")
    response = client.post(reverse("notices:create"), data)
    notice = Notice.objects.get()
    assert response.status_code == 302 and notice.author == nt.users.community


def test_publish_send_and_withdraw_on_the_page(client, nt, settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    notice = draft(nt)
    client.force_login(nt.users.community)
    assert client.post(reverse("notices:publish", args=[notice.pk])).status_code == 302
    notice.refresh_from_db()
    assert notice.status == Status.PUBLISHED
    again = client.post(reverse("notices:publish", args=[notice.pk]))
    assert again.status_code == 200 and "只能发布草稿" in again.content.decode()
    response = client.post(reverse("notices:send", args=[notice.pk]), {"channel": "sms"})
    assert response.status_code == 302
    listed = client.get(reverse("notices:deliveries", args=[notice.pk]))
    assert "138****1111" in listed.content.decode() and "13800001111" not in listed.content.decode()
    assert "钱矫正" not in listed.content.decode()  # sensitive: not for staff without the right
    empty = client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": ""})
    assert "撤回原因" in empty.content.decode()
    assert client.post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "有误"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == Status.WITHDRAWN


def test_grid_worker_cannot_publish_by_post(client, nt):
    notice = draft(nt)
    client.force_login(nt.users.grid)
    assert client.post(reverse("notices:publish", args=[notice.pk])).status_code == 403
    notice.refresh_from_db()
    assert notice.status == Status.DRAFT


def test_resident_home_card_and_reading_counts_once(client, nt):
    notice = published(nt)
    client.force_login(nt.users.li)
    home = client.get(reverse("home")).content.decode()
    assert 'id="notice-list"' in home and "停水通知" in home and "未读" in home
    url = reverse("notices:read", args=[notice.pk])
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert ReadReceipt.objects.filter(notice=notice).count() == 1
    assert "未读" not in client.get(reverse("notices:mine")).content.decode().split('id="my-notices"')[1]
    client.force_login(nt.users.far)  # 梁丰
    assert client.get(url).status_code == 404
    client.force_login(nt.users.community)
    detail = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "已读 1 人" in detail


def test_tell_list_marks_and_prints(client, nt):
    notice = published(nt)
    client.force_login(nt.users.grid)
    page = client.get(reverse("notices:tell_notice", args=[notice.pk])).content.decode()
    assert "赵无号" in page and "刘大爷" in page
    assert "李芳" not in page and "钱矫正" not in page and "孙十二" not in page
    assert "138****2222" in page and "13800002222" not in page
    url = reverse("notices:mark_told", args=[notice.pk, nt.people.zhao.pk])
    assert client.post(url).status_code == 302
    assert Told.objects.get().told_by == nt.users.grid
    assert client.post(reverse("notices:mark_told", args=[notice.pk, nt.people.g12.pk])).status_code == 404
    assert Told.objects.count() == 1
    printed = client.get(reverse("notices:tell_notice", args=[notice.pk]) + "?print=1").content.decode()
    assert "mark-told" not in printed and "赵无号" in printed
    pending = client.get(reverse("notices:tell"))
    assert pending.context["page"].paginator.count == 1


def test_exports_mask_and_are_logged(client, nt):
    notice = published(nt)
    client.force_login(nt.users.grid)
    response = client.get(reverse("notices:tell_notice", args=[notice.pk]) + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert {r[2] for r in rows[1:]} == {"赵无号", "刘大爷"}
    assert "13800002222" not in str(rows)
    client.force_login(nt.users.community)
    listed = client.get(reverse("notices:list") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(listed.content)).active.iter_rows(values_only=True))
    assert rows[1][0] == "停水通知"
    assert AuditEntry.objects.filter(action="export").count() == 2


def test_broadcast_form_and_sheet(client, nt):
    notice = published(nt)
    client.force_login(nt.users.community)
    url = reverse("notices:broadcast", args=[notice.pk])
    bad = client.post(
        url, {"text": "请注意", "start_date": "2026-12-10", "end_date": "2026-12-12", "times": "8点", "repeat": "daily"}
    )
    assert bad.status_code == 200 and "格式不对" in bad.content.decode()
    good = client.post(
        url,
        {
            "text": "请注意停水",
            "start_date": "2026-12-10",
            "end_date": "2026-12-12",
            "times": "07:30,18:00",
            "repeat": "daily",
        },
    )
    assert good.status_code == 302
    sheet = client.get(reverse("notices:broadcast_sheet", args=[notice.pk])).content.decode()
    assert sheet.count("07:30、18:00") == 3 and "请注意停水" in sheet


def test_public_page_shows_public_territory_notices_without_personal_data(client, nt):
    published(nt, public=True)
    published(nt, title="内部通知")
    client.logout()
    page = client.get(reverse("notices_public:community", args=[nt.town["c1"].code])).content.decode()
    assert "停水通知" in page and "内部通知" not in page
    assert nt.users.community.display_name not in page
    other = client.get(reverse("notices_public:community", args=[nt.town["c2"].code])).content.decode()
    assert "停水通知" not in other
    assert client.get(reverse("notices_public:index")).status_code == 200
    assert "/public/notices/" in client.get("/public/").content.decode()


def test_list_and_tell_queries_do_not_grow(client, nt, django_assert_max_num_queries):
    from tests import factories

    for i in range(3):
        published(nt, title=f"通知{i}")
    client.force_login(nt.users.community)
    client.get(reverse("notices:list"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("notices:list")).status_code == 200
    notice = Notice.objects.first()
    client.force_login(nt.users.grid)
    url = reverse("notices:tell_notice", args=[notice.pk])
    client.get(url)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for i in range(20):
        factories.make_resident(nt.town["g11"], name=f"新居民{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.context["page"].paginator.count == 22


def test_delivery_list_of_a_town_notice_shows_only_her_community(client, nt, settings):
    settings.GONGZHI_SMS_BACKEND = "gongzhi.accounts.sms.MemoryBackend"
    notice = published(nt, node=nt.town["t"], author=nt.users.town)
    services.send_notice(nt.users.town, notice)
    client.force_login(nt.users.community2)
    page = client.get(reverse("notices:deliveries", args=[notice.pk])).content.decode()
    assert "周梁丰" in page and "赵无号" not in page
    client.force_login(nt.users.town)
    page = client.get(reverse("notices:deliveries", args=[notice.pk])).content.decode()
    assert "周梁丰" in page and "赵无号" in page and "钱矫正" not in page
