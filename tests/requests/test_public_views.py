"""The resident's public pages, without logging in: filing shows a tracking number, every bad
input gets a Chinese message with what was typed kept, and progress is shown only for the right
tracking number and phone digits — one message for every failure, no person's data."""

import io

import pytest

from gongzhi.cases.choices import VisitResult
from gongzhi.requests import services
from gongzhi.requests.choices import Status
from gongzhi.requests.models import ServiceRequest
from gongzhi.requests.public import NOT_FOUND

from .conftest import PHONE

FILE, TRACK = "/requests/public/", "/requests/track/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def form(world, **extra):
    return {
        "kind": "complaint",
        "category": world.noise.pk,
        "community": world.town["c1"].pk,
        "description": "夜间施工噪声很大",
        "address": "人民路 18 号",
        "phone": PHONE,
        **extra,
    }


def test_pages_render_for_an_anonymous_visitor(client, world):
    for url in (FILE, TRACK):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert "共治" in html and "退出" not in html and 'name="csrfmiddlewaretoken"' in html
    html = client.get(FILE).content.decode()
    assert "噪声扰民" in html and "南庄社区" in html and "投诉举报" in html and "获取我的位置" in html


def test_filing_shows_the_tracking_number(client, world, media):
    photo = io.BytesIO(PNG)
    photo.name = "p.png"
    response = client.post(FILE, {**form(world), "photos": [photo]})
    assert response.status_code == 302
    created = ServiceRequest.objects.get()
    assert created.channel == "web" and created.kind == "complaint" and created.node == world.town["c1"]
    assert created.photos.count() == 1 and created.requester_phone == PHONE
    page = client.get(response["Location"])
    assert created.tracking_number in page.content.decode()


def test_a_map_point_is_enough(client, world):
    response = client.post(FILE, form(world, address="", lat="31.875000", lng="120.555000"))
    assert response.status_code == 302
    assert str(ServiceRequest.objects.get().lat) == "31.875000"


def test_done_page_without_filing_goes_back_to_the_form(client, world):
    response = client.get("/requests/public/filed/")
    assert response.status_code == 302 and response["Location"] == FILE


@pytest.mark.parametrize(
    "change,message",
    [
        ({"kind": ""}, "请选择诉求类型"),
        ({"category": ""}, "请选择问题分类"),
        ({"category": "99999"}, "所选分类不存在"),
        ({"community": ""}, "请选择问题所在的社区或村"),
        ({"description": ""}, "请填写诉求内容"),
        ({"description": "噪" * 4001}, "不能超过 4000 字"),
        ({"description": "<b>吵</b>"}, "HTML"),
        ({"address": ""}, "请填写详细地址"),
        ({"address": "", "lat": "95", "lng": "120"}, "纬度应在 -90 到 90 之间"),
        ({"address": "", "lat": "abc", "lng": "120"}, "坐标须为数字"),
        ({"phone": "12345"}, "手机号应为以 1 开头的 11 位数字"),
    ],
)
def test_bad_input_is_explained_and_kept(client, world, change, message):
    data = form(world, **change)
    response = client.post(FILE, data)
    assert response.status_code == 200 and ServiceRequest.objects.count() == 0
    html = response.content.decode()
    assert 'class="field-error"' in html or 'class="form-errors"' in html
    assert message in html
    if data["description"] and len(data["description"]) < 100 and "<" not in data["description"]:
        assert data["description"] in html  # what was typed is kept
    assert "请改正下面标红的内容" in html or "form-errors" in html


def test_a_file_that_is_not_a_photo_is_refused(client, world, media):
    fake = io.BytesIO(b"MZ\x90\0 not an image")
    fake.name = "photo.jpg"
    response = client.post(FILE, {**form(world), "photos": [fake]})
    assert response.status_code == 200 and "不是 JPEG、PNG 或 WebP 图片" in response.content.decode()
    assert ServiceRequest.objects.count() == 0


def test_track_shows_stage_notes_and_deadline_only(client, world, flow):
    r = flow.to(Status.CLOSED)
    services.return_visit(r, world.users.visitor, result=VisitResult.UNSATISFIED, note="还是很吵", now=flow.AT["visit"])
    response = client.post(TRACK, {"number": r.tracking_number, "last4": PHONE[-4:]})
    html = response.content.decode()
    r.refresh_from_db()
    assert "办理中" in html and "回访不满意" in html and f"{r.deadline:%Y-}" in html
    assert "已联系广场舞队伍" in html  # the public reply
    for secret in ("张三", PHONE, world.users.dept.get_full_name(), world.users.visitor.get_full_name()):
        assert secret not in html


@pytest.mark.parametrize("number,last4", [("wrong", PHONE[-4:]), ("right", "0000")])
def test_track_failures_look_alike(client, flow, number, last4):
    r = flow.file()
    number = r.tracking_number if number == "right" else "2026110299999"
    response = client.post(TRACK, {"number": number, "last4": last4})
    html = response.content.decode()
    assert NOT_FOUND in html and 'id="progress"' not in html
    assert f'value="{number}"' in html  # what was typed is kept


@pytest.mark.parametrize(
    "data,message",
    [
        ({"number": "", "last4": "5678"}, "请填写受理编号"),
        ({"number": "2026", "last4": ""}, "请填写手机号后四位"),
        ({"number": "2026", "last4": "56a8"}, "请填写 4 位数字"),
    ],
)
def test_track_form_errors(client, world, data, message):
    assert message in client.post(TRACK, data).content.decode()


def test_filed_page_links_to_tracking_with_the_number(client, world):
    client.post(FILE, form(world))
    number = ServiceRequest.objects.get().tracking_number
    page = client.get("/requests/public/filed/").content.decode()
    assert f"{TRACK}?number={number}" in page
    assert f'value="{number}"' in client.get(f"{TRACK}?number={number}").content.decode()
