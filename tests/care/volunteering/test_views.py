"""Volunteer pages: who sees and does what where (role × action × in/out of scope), the
roster's query count, the certificate's text and the Excel exports."""

import io
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from gongzhi.care.volunteering import activities as acts
from gongzhi.care.volunteering import pdf, services
from gongzhi.care.volunteering.choices import SignUpStatus
from gongzhi.care.volunteering.models import SignUp, Volunteer
from gongzhi.core.models import AuditEntry
from tests import factories

from .conftest import end, new_activity, resident_account


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


def url(name, *args):
    return reverse(f"care:volunteers:{name}", args=args)


# Who may open a volunteer of 南庄 (li lives on g11, zhao on g12); out of scope answers 404,
# without the right anywhere 403.
@pytest.mark.parametrize(
    "who, li, zhao",
    [
        ("community", 200, 200),
        ("town", 200, 200),
        ("grid", 200, 404),  # 王芳 sees her own grid's volunteers only
        ("supervisor", 200, 200),
        ("community2", 404, 404),
    ],
)
def test_volunteer_page_permission_matrix(vol, who, li, zhao):
    c = client_for(getattr(vol.users, who))
    assert c.get(url("volunteer", vol.v.li.pk)).status_code == li
    assert c.get(url("volunteer", vol.v.zhao.pk)).status_code == zhao


@pytest.mark.parametrize(
    "who, roster, register, organise, export",
    [
        ("community", 200, 200, 200, 200),
        ("town", 200, 200, 200, 200),
        ("grid", 200, 403, 403, 200),
        ("supervisor", 200, 403, 403, 200),
    ],
)
def test_page_rights_by_role(vol, who, roster, register, organise, export):
    c = client_for(getattr(vol.users, who))
    assert c.get(url("roster")).status_code == roster
    assert c.get(url("register")).status_code == register
    assert c.get(url("activity_new")).status_code == organise
    got = c.get(url("roster") + "?export=xlsx").status_code
    assert (got == 200) == (who in ("community", "town"))
    assert export  # the parameter names the roles whose roster opens; the export is for staff


def test_a_plain_resident_account_gets_no_roster(vol):
    user = resident_account(vol.people.li)
    c = client_for(user)
    assert c.get(url("roster")).status_code == 403
    assert c.get(url("volunteer", vol.v.zhao.pk)).status_code == 403
    assert c.get(url("certificate", vol.v.zhao.pk)).status_code == 404
    assert c.get(url("certificate", vol.v.li.pk)).status_code == 200


def test_roster_lists_scoped_volunteers_with_masked_phones_in_bounded_queries(vol, django_assert_max_num_queries):
    for i in range(15):
        person = factories.make_resident(vol.town["g11"], name=f"志愿{i}", phone=f"139000000{i:02d}")
        v = services.register_volunteer(vol.users.community, resident=person, consent=True, skills=[vol.skill])
        v.teams.add(vol.team)
    c = client_for(vol.users.community)
    c.get(url("roster"))  # warm the session and permission caches
    with django_assert_max_num_queries(10):
        page = c.get(url("roster"))
    text = page.content.decode()
    assert page.status_code == 200 and "李志愿" in text and "孙梁丰" not in text
    assert "138****1111" in text and "13800001111" not in text


def test_registering_through_the_page_needs_the_consent_box(vol):
    c = client_for(vol.users.community)
    data = {"resident": vol.people.qian.pk, "given_on": "2026-01-05"}
    refused = c.post(url("register"), data)
    assert refused.status_code == 400 and "第十四条" in refused.content.decode()
    assert not Volunteer.objects.filter(resident=vol.people.qian).exists()
    done = c.post(url("register"), {**data, "consent": "on"})
    assert done.status_code == 302
    assert Volunteer.objects.get(resident=vol.people.qian).consents.count() == 1
    # A resident of another community is not offered, and cannot be posted.
    other = client_for(vol.users.community2).post(
        url("register"), {**data, "consent": "on", "resident": vol.people.li.pk}
    )
    assert other.status_code == 400


def test_the_picker_searches_the_registry_in_scope(vol):
    c = client_for(vol.users.community)
    assert "钱未登" in c.get(url("resident_search") + "?q=钱未登").content.decode()
    assert c.get(url("resident_pick") + f"?id={vol.people.far.pk}").status_code == 404


def test_the_health_note_is_shown_to_community_staff_only_and_each_showing_is_logged(vol):
    services.set_health_note  # noqa: B018 - the service the page uses
    v = services.register_volunteer(
        vol.users.community, resident=vol.people.qian, consent=True, sensitive_consent=True, health_note="不宜久站"
    )
    assert "不宜久站" in client_for(vol.users.community).get(url("volunteer", v.pk)).content.decode()
    assert AuditEntry.objects.filter(action="view", content_type__model="volunteer", object_id=str(v.pk)).exists()
    assert "不宜久站" not in client_for(vol.users.grid).get(url("volunteer", v.pk)).content.decode()
    assert "不宜久站" not in client_for(vol.users.town).get(url("volunteer", v.pk)).content.decode()


def test_withdrawing_consent_on_the_page(vol):
    c = client_for(vol.users.community)
    consent = vol.v.li.consents.get()
    assert c.post(url("withdraw", vol.v.li.pk, consent.pk), {"reason": "本人要求"}).status_code == 302
    assert Volunteer.objects.get(pk=vol.v.li.pk).status == "withdrawn"
    assert client_for(vol.users.community2).post(url("withdraw", vol.v.zhao.pk, 1)).status_code == 404


def test_organiser_signs_up_and_confirms_hours_on_the_activity_page(vol):
    activity = new_activity(vol, capacity=1)
    c = client_for(vol.users.community)
    assert c.post(url("sign_up", activity.pk), {"volunteer": vol.v.li.pk}).status_code == 302
    full = c.post(url("sign_up", activity.pk), {"volunteer": vol.v.zhao.pk})
    assert full.status_code == 400
    signup = SignUp.objects.get(activity=activity)
    early = c.post(url("confirm", activity.pk, signup.pk), {"hours": "2"})
    assert early.status_code == 400 and "结束后" in early.content.decode()
    end(activity, length=2)
    too_long = c.post(url("confirm", activity.pk, signup.pk), {"hours": "9"})
    assert too_long.status_code == 400 and "不能超过" in too_long.content.decode()
    assert c.post(url("confirm", activity.pk, signup.pk), {"hours": "abc"}).status_code == 400
    assert c.post(url("confirm", activity.pk, signup.pk), {"hours": "2"}).status_code == 302
    signup.refresh_from_db()
    assert (signup.status, signup.hours) == (SignUpStatus.ATTENDED, Decimal("2.0"))
    # 梁丰's staff and the grid worker cannot see or confirm it.
    assert client_for(vol.users.community2).get(url("activity", activity.pk)).status_code == 404
    assert client_for(vol.users.grid).post(url("confirm", activity.pk, signup.pk), {"hours": "1"}).status_code == 403


def test_a_linked_resident_signs_up_on_the_page(vol):
    activity = new_activity(vol)
    user = resident_account(vol.people.li)
    c = client_for(user)
    assert "义务理发" in c.get(url("mine")).content.decode()
    assert c.post(url("sign_up", activity.pk)).status_code == 302
    assert SignUp.objects.filter(activity=activity, volunteer=vol.v.li, signed_up_by=user).exists()
    # Not someone else's, and no organiser's list.
    assert c.post(url("sign_up", activity.pk), {"volunteer": vol.v.zhao.pk}).status_code == 404
    assert "赵热心" not in c.get(url("activity", activity.pk)).content.decode()


def _served(vol):
    activity = new_activity(vol, title="敬老院义务理发", place="南庄敬老院")
    signup = acts.sign_up(vol.users.community, activity, vol.v.li)
    end(activity, length=3)
    signup.refresh_from_db()
    acts.confirm_hours(vol.users.community, signup, "3.5")
    return activity


def test_certificate_text_names_the_community_masks_the_id_and_lists_the_hours(vol, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    _served(vol)
    v = Volunteer.objects.get(pk=vol.v.li.pk)
    answer = client_for(vol.users.community).get(url("certificate", v.pk))
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    path = tmp_path / "c.pdf"
    path.write_bytes(answer.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "志愿服务时长证明" in text and "李志愿" in text and "南庄社区" in text
    assert "敬老院义务理发" in text and "3.5" in text
    assert v.resident.id_number not in text and v.resident.id_number[:4] + "*" in text
    assert AuditEntry.objects.filter(action="export", content_type__model="volunteer", object_id=str(v.pk)).exists()
    assert pdf.certificate_pdf(v).startswith(b"%PDF")


def test_roster_and_signup_exports_mask_phones_and_are_logged(vol):
    activity = _served(vol)
    c = client_for(vol.users.community)
    answer = c.get(url("roster") + "?export=xlsx")
    rows = list(load_workbook(io.BytesIO(answer.content)).active.values)
    assert rows[0][0] == "姓名" and len(rows) == 3  # 李志愿 and 赵热心, not 孙梁丰
    li = next(r for r in rows if r[0] == "李志愿")
    assert li[2] == "138****1111" and li[5] == 3.5
    sheet = c.get(url("activity", activity.pk) + "?export=xlsx")
    signups = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert signups[1][0] == "李志愿" and signups[1][4] == 3.5
    listed = c.get(url("activities") + "?export=xlsx")
    assert list(load_workbook(io.BytesIO(listed.content)).active.values)[1][0] == "敬老院义务理发"
    assert AuditEntry.objects.filter(action="export", content_type__model="volunteer").count() >= 1
    assert client_for(vol.users.grid).get(url("activity", activity.pk) + "?export=xlsx").status_code == 404


def test_teams_and_skills_pages(vol):
    c = client_for(vol.users.community)
    assert "南庄红马甲服务队" in c.get(url("teams")).content.decode()
    made = c.post(url("teams"), {"name": "南庄助老队", "node": vol.town["c1"].pk})
    assert made.status_code == 302
    dup = c.post(url("teams"), {"name": "南庄助老队", "node": vol.town["c1"].pk})
    assert dup.status_code == 400 and "已有" in dup.content.decode()
    assert c.post(url("skills"), {"name": "电工"}).status_code == 403  # the list is the town's
    t = client_for(vol.users.town)
    assert t.post(url("skills"), {"name": "电工"}).status_code == 302
    assert "电工" in c.get(url("skills")).content.decode()


def test_walk_in_recorded_on_the_page_after_the_activity(vol):
    activity = end(new_activity(vol), length=2)
    c = client_for(vol.users.community)
    page = c.get(url("activity", activity.pk)).content.decode()
    assert "补录参加人员" in page
    bad = c.post(url("add_attendee", activity.pk), {"volunteer": vol.v.zhao.pk, "hours": "7"})
    assert bad.status_code == 400 and "不能超过" in bad.content.decode()
    assert c.post(url("add_attendee", activity.pk), {"volunteer": vol.v.zhao.pk, "hours": "2"}).status_code == 302
    assert SignUp.objects.get(activity=activity, volunteer=vol.v.zhao).hours == Decimal("2.0")


def test_activity_list_and_page_in_bounded_queries(vol, django_assert_max_num_queries):
    for i in range(12):
        activity = new_activity(vol, title=f"活动{i}")
        acts.sign_up(vol.users.community, activity, vol.v.li if i % 2 else vol.v.zhao)
    c = client_for(vol.users.community)
    c.get(url("activities"))
    with django_assert_max_num_queries(7):
        listed = c.get(url("activities"))
    assert listed.status_code == 200 and listed.content.decode().count(">1/5</td>") == 12
    for i in range(4):  # the last activity gets a full list
        person = factories.make_resident(vol.town["g12"], name=f"报名{i}")
        acts.sign_up(
            vol.users.community,
            activity,
            services.register_volunteer(vol.users.community, resident=person, consent=True),
        )
    c.get(url("activity", activity.pk))
    with django_assert_max_num_queries(8):
        page = c.get(url("activity", activity.pk))
    assert page.status_code == 200 and page.content.decode().count('id="signup-') == 5


def test_a_volunteer_withdraws_on_their_own_page_and_gets_no_more_certificates(vol):
    user = resident_account(vol.people.li)
    c = client_for(user)
    consent = vol.v.li.consents.get()
    assert c.post(url("withdraw", vol.v.li.pk, consent.pk)).status_code == 302
    assert Volunteer.objects.get(pk=vol.v.li.pk).status == "withdrawn"
    assert c.get(url("certificate", vol.v.li.pk)).status_code == 302
    assert "已退出" in c.get(url("mine")).content.decode()
    # Someone else's consent is not theirs to withdraw.
    assert c.post(url("withdraw", vol.v.zhao.pk, vol.v.zhao.consents.get().pk)).status_code == 404
    assert Volunteer.objects.get(pk=vol.v.zhao.pk).status == "active"
