"""Name suffix columns on the resident row (name_s1, name_s2) replace most of the name-part
table: only parts from the fourth character of names of five or more characters stay there
(docs/decisions/0003-resident-search.md). Filled with portable SQL functions (SUBSTR and
LENGTH count characters on SQLite and PostgreSQL alike), then the name parts are rebuilt for
the long names only."""
from django.db import migrations, models
from django.db.models.functions import Length, Substr

PART_FROM = 3  # registry.search.PART_FROM at the time of this migration


def fill_suffixes(apps, schema_editor):
    db = schema_editor.connection.alias
    Resident = apps.get_model("registry", "Resident")
    NamePart = apps.get_model("registry", "ResidentNamePart")
    Resident.objects.using(db).update(name_s1=Substr("name", 2, 50), name_s2=Substr("name", 3, 50))
    NamePart.objects.using(db).all().delete()
    batch = []
    long_names = Resident.objects.using(db).annotate(n=Length("name")).filter(n__gt=PART_FROM + 1)
    for pk, name in long_names.values_list("pk", "name").iterator(chunk_size=2000):
        parts = dict.fromkeys(name[i:][:50] for i in range(PART_FROM, len(name) - 1))
        batch.extend(NamePart(resident_id=pk, part=part) for part in parts)
        if len(batch) >= 5000:
            NamePart.objects.using(db).bulk_create(batch, batch_size=500)
            batch = []
    NamePart.objects.using(db).bulk_create(batch, batch_size=500)


def fill_all_parts(apps, schema_editor):
    """Back to one name-part row per suffix from the second character on (migration 0002)."""
    db = schema_editor.connection.alias
    Resident = apps.get_model("registry", "Resident")
    NamePart = apps.get_model("registry", "ResidentNamePart")
    NamePart.objects.using(db).all().delete()
    batch = []
    for pk, name in Resident.objects.using(db).values_list("pk", "name").iterator(chunk_size=2000):
        batch.extend(NamePart(resident_id=pk, part=p) for p in dict.fromkeys(name[i:][:50] for i in range(1, len(name))))
        if len(batch) >= 5000:
            NamePart.objects.using(db).bulk_create(batch, batch_size=500)
            batch = []
    NamePart.objects.using(db).bulk_create(batch, batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0005_resident_initials_scope_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='resident',
            name='name_s1',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=50),
        ),
        migrations.AddField(
            model_name='resident',
            name='name_s2',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=50),
        ),
        migrations.RunPython(fill_suffixes, fill_all_parts),
    ]
