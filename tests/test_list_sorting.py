"""Every list offers its columns for sorting (core/sorting.py): each offered column sorts the
very queryset that is paged, in both directions, its header says which order is shown, and a
column that is not offered leaves the list in its own order. Run on the demo town as its
district administrator, who may open every list."""

import pytest
from django.test import Client
from django.urls import reverse

from gongzhi.accounts.models import User
from gongzhi.care.points.models import PointsScheme as Scheme
from gongzhi.core.demo.town import DemoTown

pytestmark = pytest.mark.django_db

LISTS = [
    ("mediation:list", {"state": "all"}),
    ("consultation:matter_list", {}),
    ("consultation:meeting_list", {}),
    ("consultation:body_list", {}),
    ("consultation:decision_list", {}),
    ("consultation:draft_list", {}),
    ("compact:agreement_list", {}),
    ("compact:task_list", {}),
    ("compact:redcard_list", {}),
    ("territory:node_list", {}),
    ("territory:building_list", {}),
    ("territory:unit_list", {}),
    ("care:volunteers:roster", {"status": ""}),
    ("care:volunteers:activities", {}),
    ("care:points:entries", {}),
]


def _order(response):
    return tuple(response.context["page"].paginator.object_list.query.order_by)


def test_every_list_sorts_by_its_offered_columns_and_ignores_others():
    DemoTown(60, seed=3, grids_per_community=1, out=lambda *a: None).build()
    c = Client()
    c.force_login(User.objects.get(username="admin"))
    scheme = Scheme.objects.order_by("pk").first()
    for name, params in LISTS:
        url = reverse(name, args=[scheme.pk] if name.endswith("entries") else [])
        plain = c.get(url, params)
        assert plain.status_code == 200, name
        sort = plain.context["sort"]
        assert sort.options, f"{name} offers no column"
        for key in sort.options:
            for prefix in ("", "-"):
                r = c.get(url, {**params, "sort": prefix + key})
                assert r.status_code == 200, (name, key)
                chosen = r.context["sort"]
                assert (chosen.key, chosen.descending) == (key, prefix == "-"), (name, key)
                assert _order(r) == tuple(chosen.order_by()), (name, key)  # the paged rows are in it
                state = "descending" if prefix else "ascending"
                assert f'aria-sort="{state}"' in r.content.decode(), (name, key)
        for bad in ("id_number", "-phone", "name;drop table", "__class__"):
            assert _order(c.get(url, {**params, "sort": bad})) == _order(plain), (name, bad)
