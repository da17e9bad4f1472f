"""The figures of every service request that exists, derived by the same function the services
use (requests.summary.rows_for), with this migration's historical models."""

from django.db import migrations


def backfill(apps, schema_editor):
    from gongzhi.requests.summary import rows_for

    ServiceRequest = apps.get_model("servicerequests", "ServiceRequest")
    Figures = apps.get_model("servicerequests", "RequestFigures")
    rows_for(ServiceRequest.objects.all(), Figures)


class Migration(migrations.Migration):
    dependencies = [
        ("servicerequests", "0005_request_figures"),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
