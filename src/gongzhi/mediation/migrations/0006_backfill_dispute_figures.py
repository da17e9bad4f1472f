"""The figures of every dispute that exists, derived by the same function the services use
(mediation.summary.rows_for), with this migration's historical models."""

from django.db import migrations


def backfill(apps, schema_editor):
    from gongzhi.mediation.summary import rows_for

    Dispute = apps.get_model("mediation", "Dispute")
    Figures = apps.get_model("mediation", "DisputeFigures")
    rows_for(Dispute.objects.all(), Figures)


class Migration(migrations.Migration):
    dependencies = [
        ("mediation", "0005_dispute_figures"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
