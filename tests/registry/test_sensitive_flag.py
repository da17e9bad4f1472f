"""`Resident.has_sensitive` gates who may see a person, so it follows its inputs whatever path
changed them (issue 9, finding 3): a tag made or unmade sensitive (service, admin), a tag added
to or removed from a resident (web, API, admin, import, a raw many-to-many write), a tag
deleted. Kept by database triggers on SQLite and PostgreSQL (docs/decisions/0007)."""

from django.db import connection
from django.urls import reverse

from gongzhi.accounts import services as accounts
from gongzhi.registry import services
from gongzhi.registry.models import Resident, Tag
from gongzhi.registry.sensitive_flag import ensure_sensitive_triggers
from tests.api_client import ApiClient
from tests.factories import make_resident, make_user, sensitive_tag


def flag(resident) -> bool:
    return Resident.objects.values_list("has_sensitive", flat=True).get(pk=resident.pk)


def visible_to_worker(town, resident) -> bool:
    return Resident.objects.visible_to(make_user("grid", town["g11"])).filter(pk=resident.pk).exists()


def test_tag_made_sensitive_by_the_service_hides_its_carriers(town):
    tag = Tag.objects.create(slug="psych", name="精神障碍")
    carrier, other = make_resident(town["g11"], tags=[tag]), make_resident(town["g11"], name="李四")
    assert visible_to_worker(town, carrier)
    services.update_tag(tag, {"sensitive": True}, reason="按个保法第28条列为敏感")
    assert flag(carrier) is True and flag(other) is False
    assert not visible_to_worker(town, carrier)
    services.update_tag(Tag.objects.get(pk=tag.pk), {"sensitive": False})
    assert flag(carrier) is False and visible_to_worker(town, carrier)


def test_tag_made_sensitive_in_the_admin(client, town):
    tag = Tag.objects.create(slug="psych", name="精神障碍")
    carrier = make_resident(town["g11"], tags=[tag])
    client.force_login(make_user("admin", town["d"]))
    url = reverse("admin:registry_tag_change", args=[tag.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"slug": "psych", "name": "精神障碍", "sensitive": "on", "expected_version": 1})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Tag.objects.get(pk=tag.pk).version == 2
    assert flag(carrier) is True and not visible_to_worker(town, carrier)


def test_tag_deleted_in_the_admin_clears_the_flag(client, town):
    tag = sensitive_tag()
    carrier = make_resident(town["g11"], tags=[tag])
    assert flag(carrier) is True
    client.force_login(make_user("admin", town["d"]))
    response = client.post(reverse("admin:registry_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists() and flag(carrier) is False


def test_tag_added_and_removed_on_the_web(client, town):
    tag = sensitive_tag()
    resident = make_resident(town["g11"], name="吴十")
    official = make_user("town", town["t"])
    accounts.grant(official, role="sensitive", node=town["t"])  # may set sensitive tags
    client.force_login(official)
    url = reverse("registry:resident_edit", args=[resident.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "") and k != "tags"}
    assert client.post(url, {**data, "tags": [tag.pk]}).status_code == 302
    assert flag(resident) is True
    data["expected_version"] = Resident.objects.get(pk=resident.pk).version
    assert client.post(url, data).status_code == 302
    assert flag(resident) is False


def test_tag_added_and_removed_through_the_api(town):
    tag, party = sensitive_tag(), Tag.objects.create(slug="party", name="党员")
    resident = make_resident(town["g11"], tags=[party])
    api = ApiClient(make_user("admin", town["d"]))
    added = api.patch(f"/residents/{resident.pk}", {"tags": ["party", tag.slug]}, if_match='"1"')
    assert added.status_code == 200, added.content
    assert flag(resident) is True and not visible_to_worker(town, resident)
    removed = api.patch(f"/residents/{resident.pk}", {"tags": ["party"]}, if_match=added["ETag"])
    assert removed.status_code == 200 and flag(resident) is False


def test_tag_added_to_a_resident_in_the_admin(client, town):
    tag = sensitive_tag()
    resident = make_resident(town["g11"], name="郑十一")
    client.force_login(make_user("admin", town["d"]))
    url = reverse("admin:registry_resident_change", args=[resident.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("tags", "household", "grid")}
    data.update(tags=[tag.pk], expected_version=resident.version)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert flag(resident) is True


def test_import_sets_the_flag(tmp_path, town):
    from gongzhi.registry.imports import import_residents
    from tests.registry.test_import import row, write_csv

    sensitive_tag()
    import_residents(write_csv(tmp_path / "s.csv", [row(1, town["g11"], 标签="社区矫正")]))
    assert Resident.objects.get().has_sensitive is True


def test_a_raw_many_to_many_write_is_followed_too(town):
    """No service at all (a shell, a future app): the triggers still keep the flag."""
    tag = sensitive_tag()
    resident = make_resident(town["g11"])
    resident.tags.add(tag)
    assert flag(resident) is True
    resident.tags.remove(tag)
    assert flag(resident) is False
    resident.tags.add(tag)
    Tag.objects.filter(pk=tag.pk).update(sensitive=False)  # bulk SQL
    assert flag(resident) is False


def test_triggers_are_recreated_and_flags_rederived_after_a_rebuild(town):
    """A migration rebuilding a table on SQLite drops its triggers: post_migrate puts them back
    and re-derives every flag written meanwhile."""
    tag = sensitive_tag()
    resident = make_resident(town["g11"], tags=[tag])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER registry_sensitive_link_ai")
        else:
            cursor.execute("DROP TRIGGER registry_sensitive_link_tr ON registry_resident_tags")
    Resident.objects.filter(pk=resident.pk).update(has_sensitive=False)  # a wrong flag, as left by a gap
    assert ensure_sensitive_triggers() != []
    assert flag(resident) is True
    assert ensure_sensitive_triggers() == []  # idempotent
    resident.tags.clear()
    assert flag(resident) is False


def _row_version(resident):
    """Something that changes whenever the resident's row is written: PostgreSQL's xmin, or on
    SQLite a counter kept by a test-only trigger (see below)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT xmin::text FROM registry_resident WHERE id = %s", [resident.pk])
        else:
            cursor.execute("SELECT count(*) FROM test_resident_writes WHERE rid = %s", [resident.pk])
        return cursor.fetchone()[0]


def test_a_link_that_does_not_change_the_flag_does_not_write_the_resident(town):
    """Decision 0030: the triggers skip residents whose flag stays as it is (the import writes
    the right flag with the row; rewriting it cost a row version and an entry in every index)."""
    plain, secret = Tag.objects.create(slug="party", name="党员"), sensitive_tag()
    resident = make_resident(town["g11"])
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("CREATE TEMP TABLE test_resident_writes (rid integer)")
            cursor.execute(
                "CREATE TEMP TRIGGER test_resident_writes_au AFTER UPDATE ON registry_resident "
                "BEGIN INSERT INTO test_resident_writes VALUES (NEW.id); END"
            )
    before = _row_version(resident)
    resident.tags.add(plain)  # flag stays False
    assert _row_version(resident) == before and flag(resident) is False
    resident.tags.add(secret)  # flag becomes True: written
    assert _row_version(resident) != before and flag(resident) is True
    written = _row_version(resident)
    resident.tags.remove(plain)  # still True through the sensitive tag
    assert _row_version(resident) == written and flag(resident) is True
    resident.tags.remove(secret)
    assert flag(resident) is False


def test_an_older_trigger_body_is_replaced_in_place(town):
    """Triggers written by an earlier version (every link rewrote its resident) are replaced by
    post_migrate without being counted as missing (nothing to re-derive)."""
    old = "UPDATE registry_resident SET has_sensitive = has_sensitive WHERE id = NEW.resident_id"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER registry_sensitive_link_ai")
            cursor.execute(
                f"CREATE TRIGGER registry_sensitive_link_ai AFTER INSERT ON registry_resident_tags BEGIN {old}; END"
            )
        else:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION registry_sensitive_link_fn() RETURNS trigger LANGUAGE plpgsql "
                f"AS $$ BEGIN {old}; RETURN NULL; END; $$"
            )
    assert ensure_sensitive_triggers() == []
    resident = make_resident(town["g11"])
    resident.tags.add(sensitive_tag())
    assert flag(resident) is True  # the current body derives the flag again
