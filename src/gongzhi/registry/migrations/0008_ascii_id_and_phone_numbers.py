"""ID and phone numbers stored with full-width digits (`３２０５８２…`, `Ｘ`, `－`) before the
validation read them as ASCII are rewritten in ASCII. A number whose ASCII form is already
stored belongs to a person registered twice: it is left as it is and reported, with both
resident ids, for a person to merge or delete (no automatic merging of two records)."""
import sys

from django.db import migrations

# core.halfwidth at the time of this migration: the full-width ASCII block, the ideographic
# space and the dash variants.
_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TABLE[0x3000] = ord(" ")
_TABLE.update({ord(dash): ord("-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})
_ASCII = r"^[ -~]*$"  # printable ASCII; both SQLite (Python re) and PostgreSQL read it alike


def ascii_numbers(apps, schema_editor, out=sys.stdout) -> list[tuple[int, int]]:
    """Rewrite non-ASCII ID and phone numbers; returns (and prints) the duplicates found as
    (id of the full-width record, id of the ASCII one)."""
    db = schema_editor.connection.alias
    Resident = apps.get_model("registry", "Resident")
    duplicates = []
    rows = Resident.objects.using(db).exclude(id_number__regex=_ASCII, phone__regex=_ASCII)
    for pk, id_number, phone in rows.values_list("pk", "id_number", "phone"):
        phone = phone.translate(_TABLE).replace(" ", "")
        if phone.startswith("1"):  # mobiles are kept without dashes (core.phone.normalise)
            phone = phone.replace("-", "")
        fields = {"phone": phone}
        number = id_number.translate(_TABLE).replace(" ", "").upper()
        twin = Resident.objects.using(db).filter(id_number=number).exclude(pk=pk).values_list("pk", flat=True).first()
        if twin is None:
            fields["id_number"] = number
        else:
            duplicates.append((pk, twin))
        Resident.objects.using(db).filter(pk=pk).update(**fields)
    for pk, twin in duplicates:
        out.write(f"\n  居民 {pk} 的身份证号为全角数字，与居民 {twin} 相同：同一人重复登记，请核对后合并或删除其一\n")
    return duplicates


class Migration(migrations.Migration):
    dependencies = [("registry", "0007_tag_version")]

    operations = [migrations.RunPython(ascii_numbers, migrations.RunPython.noop)]
