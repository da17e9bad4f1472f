"""The data migration that rewrites full-width ID and phone numbers already stored, and
reports (does not merge) a person registered twice that way."""

import importlib
import io

from django.apps import apps
from django.db import connection

from gongzhi.registry.models import Resident
from tests.factories import id_number, make_resident

migration = importlib.import_module("gongzhi.registry.migrations.0008_ascii_id_and_phone_numbers")
FULL = str.maketrans("0123456789X-", "０１２３４５６７８９Ｘ－")


class _Editor:
    connection = connection


def test_full_width_rows_are_rewritten_and_duplicates_reported(town):
    alone, twice = id_number(), "11010519491231002X"
    ascii_twin = make_resident(town["g11"], id_number=twice, name="甲")
    # Rows stored before the validation read full-width digits: written around it.
    a = make_resident(town["g11"], name="乙")
    b = make_resident(town["g12"], name="丙")
    Resident.objects.filter(pk=a.pk).update(id_number=alone.translate(FULL), phone="１３８－１２３４－５６７８")
    Resident.objects.filter(pk=b.pk).update(id_number=twice.translate(FULL))
    out = io.StringIO()
    assert migration.ascii_numbers(apps, _Editor(), out=out) == [(b.pk, ascii_twin.pk)]
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.id_number, a.phone) == (alone, "13812345678")
    assert b.id_number == twice.translate(FULL)  # left for a person to merge
    assert f"居民 {b.pk}" in out.getvalue() and f"居民 {ascii_twin.pk}" in out.getvalue()
    assert migration.ascii_numbers(apps, _Editor(), out=io.StringIO()) == [(b.pk, ascii_twin.pk)]  # idempotent
