"""A grid worker's households on one campaign (入户排查), the page her phone keeps for work without
a network: a whole grid on one page (300 households), rendered through the Django test client as
she gets it, against the page of 50 it was before, on SQLite or PostgreSQL.

    .venv/bin/python bench/campaign_households.py --database sqlite
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_campaign .venv/bin/python bench/campaign_households.py --database postgres

The fixture is built in a throwaway database (bench/mediation.py's `setup`) through the
services: tests/factories' town, one grid worker on grid g11, `--households` households of one
resident each on that grid, a campaign over the community with five checklist items, launched.
Timed (median of `--repeat` after one warm-up): the page with 300 rows (`?page=1`), the same
list cut to its first 50 rows (`PER_PAGE` set to 50 for the run: the page before) and a
baseline, a plain indexed `SELECT` of the grid worker's assignments with their households.
Goal: a grid worker's page under 100 ms (issue 16).
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import mediation  # noqa: E402  (bench/mediation.py: setup, teardown)
from care import timed  # noqa: E402  (bench/care.py: median of `repeat` after a warm-up)

GOAL_MS = 100.0


def build(households):
    import datetime as dt

    from django.utils import timezone

    from gongzhi.campaigns import launch, services
    from gongzhi.campaigns.choices import FieldKind
    from tests import factories

    town = factories.make_town()
    worker = factories.make_user("grid", town["g11"], username="bench_grid")
    community = factories.make_user("community", town["c1"], username="bench_community")
    for i in range(households):
        factories.make_resident(town["g11"], name=f"住户{i:04d}")
    today = timezone.localdate()
    campaign = services.create_campaign(
        community,
        topic="燃气安全入户排查",
        start=today - dt.timedelta(days=1),
        end=today + dt.timedelta(days=10),
        territory=town["c1"],
    )
    for text, kind, options in [
        ("是否使用管道燃气", FieldKind.YESNO, ""),
        ("燃气软管状况", FieldKind.CHOICE, "完好\n老化需更换"),
        ("家中常住人数", FieldKind.NUMBER, ""),
        ("其他隐患", FieldKind.TEXT, ""),
        ("现场照片", FieldKind.PHOTO, ""),
    ]:
        services.add_question(community, campaign, text=text, kind=kind, options=options, required=False)
    launch.launch_campaign(community, campaign)
    return worker, campaign


def run(households, repeat):
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from gongzhi.campaigns import views_door
    from gongzhi.campaigns.models import Assignment

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    worker, campaign = build(households)
    client = Client()
    client.force_login(worker)
    url = reverse("campaigns:households", args=[campaign.pk])

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    rows = page().content.decode().count("data-item=")

    def baseline():
        with connection.cursor() as cur:
            cur.execute(
                "SELECT a.id, a.status, h.number FROM campaigns_assignment a"
                " JOIN registry_household h ON h.id = a.household_id"
                " WHERE a.campaign_id = %s AND a.grid_id = %s ORDER BY a.status, h.number LIMIT 300",
                [campaign.pk, Assignment.objects.filter(campaign=campaign).values_list("grid_id", flat=True)[0]],
            )
            cur.fetchall()

    base = timed(baseline, repeat)
    whole = timed(page, repeat)
    kept = views_door.PER_PAGE
    views_door.PER_PAGE = 50
    try:
        fifty = timed(page, repeat)
    finally:
        views_door.PER_PAGE = kept
    print(f"{connection.vendor}: {households} households, {rows} rows on the page; median of {repeat}")
    print(f"  baseline (indexed SELECT of the list)  {base:7.1f} ms")
    print(f"  page of 50 rows (before)               {fifty:7.1f} ms  ×{fifty / base:.1f}")
    verdict = "meets" if whole <= GOAL_MS else "OVER"
    print(
        f"  page of {rows} rows (a whole grid)       {whole:7.1f} ms  ×{whole / base:.1f}  goal {GOAL_MS:.0f} ms: {verdict}"
    )
    print(f"  load average {os.getloadavg()[0]:.1f}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--households", type=int, default=300)
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()
    mediation.PG_NAME = "gz_bench_campaign"
    with tempfile.TemporaryDirectory() as work:
        mediation.setup(args.database, Path(work))
        try:
            run(args.households, args.repeat)
        finally:
            mediation.teardown(args.database)


if __name__ == "__main__":
    main()
