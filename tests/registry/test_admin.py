"""The registry in the back office is one more client of the same rules (issue 9, finding 3):
numbers masked (never revealed there), every save through the services with the version
check, bad posts answered with form errors, sensitive records logged when shown."""

from django.urls import reverse

from gongzhi.core.choices import AuditAction
from gongzhi.core.masking import mask_id
from gongzhi.core.models import AuditEntry
from gongzhi.registry import services
from gongzhi.registry.models import Resident
from tests.factories import make_resident, make_user, sensitive_tag


def change_url(resident):
    return reverse("admin:registry_resident_change", args=[resident.pk])


def form_data(client, resident, **over):
    """What the admin change form would post back untouched, plus `over`."""
    form = client.get(change_url(resident)).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("tags", "household", "grid")}
    data["tags"] = [t.pk for t in resident.tags.all()]
    data.update(over)
    return data


def test_change_page_never_shows_full_numbers_even_with_the_unmask_right(client, town):
    r = make_resident(town["g11"], phone="13900001111")
    client.force_login(make_user("admin", town["d"]))  # the admin is for superusers only
    html = client.get(change_url(r)).content.decode()
    assert r.id_number not in html and "13900001111" not in html
    assert mask_id(r.id_number) in html and "139****1111" in html
    listing = client.get(reverse("admin:registry_resident_changelist")).content.decode()
    assert r.id_number not in listing and "13900001111" not in listing
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()  # nothing was unmasked


def test_saving_with_the_masked_numbers_keeps_them_and_is_audited_as_admin(client, town):
    r = make_resident(town["g11"], phone="13900001111", name="冯十二")
    user = make_user("admin", town["d"])
    client.force_login(user)
    response = client.post(change_url(r), form_data(client, r, name="冯拾贰"))
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = Resident.objects.get(pk=r.pk)
    assert (saved.name, saved.id_number, saved.phone, saved.version) == ("冯拾贰", r.id_number, "13900001111", 2)
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE, object_id=str(r.pk)).latest("id")
    assert entry.source == "admin" and entry.actor == user and set(entry.after) == {"name"}


def test_a_new_whole_number_typed_in_the_admin_corrects_it(client, town):
    r = make_resident(town["g11"], phone="13900001111")
    client.force_login(make_user("admin", town["d"]))
    response = client.post(change_url(r), form_data(client, r, phone="13700002222"))
    assert response.status_code == 302
    assert Resident.objects.get(pk=r.pk).phone == "13700002222"


def test_a_stale_admin_form_is_refused_and_changes_nothing(client, town):
    r = make_resident(town["g11"], name="陈十三")
    client.force_login(make_user("admin", town["d"]))
    stale = form_data(client, r, name="陈旧的")
    services.update_resident(r, {"name": "陈新的"}, reason="网页上先改了")  # version 2
    response = client.post(change_url(r), stale)
    assert response.status_code == 200 and "记录已被他人修改" in response.content.decode()
    saved = Resident.objects.get(pk=r.pk)
    assert (saved.name, saved.version) == ("陈新的", 2)


def test_a_post_without_id_number_is_a_form_error_not_a_500(client, town):
    r = make_resident(town["g11"])
    client.force_login(make_user("admin", town["d"]))
    data = form_data(client, r)
    del data["id_number"]
    response = client.post(change_url(r), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["id_number"]
    add = client.post(reverse("admin:registry_resident_add"), {"name": "无号", "grid": town["g11"].pk})
    assert add.status_code == 200 and add.context["adminform"].form.errors["id_number"]


def test_tag_saves_in_the_admin_answer_no_500(client, town):
    client.force_login(make_user("admin", town["d"]))
    added = client.post(reverse("admin:registry_tag_add"), {"slug": "elder", "name": "独居老人", "care": "on"})
    assert added.status_code == 302
    from gongzhi.registry.models import Tag

    tag = Tag.objects.get(slug="elder")
    url = reverse("admin:registry_tag_change", args=[tag.pk])
    assert (
        client.post(
            url, {"slug": "elder", "name": "独居老人（80岁以上）", "care": "on", "expected_version": 1}
        ).status_code
        == 302
    )
    stale = client.post(url, {"slug": "elder", "name": "旧名", "expected_version": 1})
    assert stale.status_code == 200 and Tag.objects.get(pk=tag.pk).name == "独居老人（80岁以上）"


def test_showing_a_sensitive_record_in_the_admin_is_logged(client, town):
    r = make_resident(town["g11"], name="褚矫正", tags=[sensitive_tag()])
    plain = make_resident(town["g11"], name="卫普通")
    user = make_user("admin", town["d"])
    client.force_login(user)
    client.get(reverse("admin:registry_resident_changelist"))
    client.get(change_url(r))
    client.get(change_url(plain))
    views = AuditEntry.objects.filter(action=AuditAction.VIEW, actor=user)
    assert list(views.values_list("object_id", "source")) == [(str(r.pk), "admin")] * 2


def test_sensitive_records_stay_hidden_from_town_staff_without_the_right(client, town):
    r = make_resident(town["g11"], name="褚矫正", tags=[sensitive_tag()])
    client.force_login(make_user("town", town["t"]))
    assert "褚矫正" not in client.get(reverse("admin:registry_resident_changelist")).content.decode()
    assert client.get(change_url(r)).status_code in (302, 404)


def test_a_duplicate_id_typed_in_the_admin_is_refused_and_named(client, town):
    """The back office (superusers only, who see every record) names the existing record of a
    duplicate ID and saves nothing; the answer for those who may not see it is the web's and
    the API's (tests/registry/test_duplicates.py)."""
    visible = make_resident(town["g21"], name="孙八")
    mine = make_resident(town["g11"], name="冯十二")
    client.force_login(make_user("admin", town["d"]))
    response = client.post(change_url(mine), form_data(client, mine, id_number=visible.id_number))
    assert f"该身份证号已登记（居民编号 {visible.pk}）" in response.content.decode()
    assert Resident.objects.get(pk=mine.pk).id_number == mine.id_number  # nothing saved
