"""The ledger across all disclosure boards and the signed heads (consultation/ledger.py), with
a backfill: existing entries take their ledger places in the order they were stored (by id),
and every board's head and the ledger's head are signed as they stand now. Entries' own hashes
do not change, so hashes already printed or reported stay valid."""
import hashlib

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone
from django.utils.crypto import salted_hmac

GENESIS = "0" * 64
LEDGER = "*"
# Frozen copies of ledger.link_hash and ledger.sign: a migration must not change when the app does.
FORMAT = "gongzhi-ledger-v1"
SALT = "gongzhi.consultation.disclosure-head"


def link_hash(gseq, node_code, seq, entry_hash, prev):
    parts = (FORMAT, str(gseq), node_code, str(seq), entry_hash, prev)
    return hashlib.sha256("".join(f"{len(p)}:{p}" for p in parts).encode()).hexdigest()


def sign(key, count, gseq, digest):
    secret = getattr(settings, "GONGZHI_DISCLOSURE_KEY", "") or settings.SECRET_KEY
    return salted_hmac(SALT, f"{key}|{count}|{gseq}|{digest}", secret=secret, algorithm="sha256").hexdigest()


def backfill(apps, schema_editor):
    Entry = apps.get_model("consultation", "DisclosureEntry")
    Head = apps.get_model("consultation", "DisclosureHead")
    prev, gseq, boards = GENESIS, 0, {}
    for entry in Entry.objects.select_related("node").order_by("id").iterator(chunk_size=2000):
        gseq += 1
        link = link_hash(gseq, entry.node.code, entry.seq, entry.hash, prev)
        Entry.objects.filter(pk=entry.pk).update(gseq=gseq, ledger_prev=prev, ledger_hash=link)
        prev = link
        if entry.seq >= boards.get(entry.node.code, (0,))[0]:
            boards[entry.node.code] = (entry.seq, gseq, entry.hash)
    now = timezone.now()
    heads = [Head(key=code, count=seq, gseq=g, hash=h, mac=sign(code, seq, g, h), updated_at=now)
             for code, (seq, g, h) in boards.items()]
    heads.append(Head(key=LEDGER, count=gseq, gseq=gseq, hash=prev, mac=sign(LEDGER, gseq, gseq, prev), updated_at=now))
    Head.objects.bulk_create(heads)


class Migration(migrations.Migration):

    dependencies = [
        ("consultation", "0009_cancel_milestones_intervals"),
        ("territory", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="DisclosureHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=20, unique=True, verbose_name="公开栏")),
                ("count", models.PositiveBigIntegerField(verbose_name="条目数")),
                ("hash", models.CharField(max_length=64, verbose_name="最新哈希")),
                ("gseq", models.PositiveBigIntegerField(verbose_name="最新条目的账本序号")),
                ("mac", models.CharField(max_length=64, verbose_name="签名")),
                ("updated_at", models.DateTimeField(default=timezone.now, verbose_name="更新时间")),
            ],
            options={"verbose_name": "公开栏签名栏头", "verbose_name_plural": "公开栏签名栏头", "ordering": ["key"]},
        ),
        migrations.AddField(
            model_name="disclosureentry", name="gseq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="账本序号"),
        ),
        migrations.AddField(
            model_name="disclosureentry", name="ledger_prev",
            field=models.CharField(default="", max_length=64, verbose_name="账本上一条哈希"), preserve_default=False,
        ),
        migrations.AddField(
            model_name="disclosureentry", name="ledger_hash",
            field=models.CharField(default="", max_length=64, verbose_name="账本哈希"), preserve_default=False,
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="disclosureentry", name="gseq",
            field=models.PositiveBigIntegerField(unique=True, verbose_name="账本序号"),
        ),
    ]
