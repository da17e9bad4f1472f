"""The demo's 刘大爷 is linked to a registry resident of his grid and, through the link, sees
his community's matters (the step `accounts.resident_link`)."""

import datetime as dt
from types import SimpleNamespace

from django.urls import reverse

from gongzhi.accounts.demo import link_demo_resident
from gongzhi.accounts.models import User
from gongzhi.consultation import services as consultation
from tests.consultation.conftest import born
from tests.factories import make_user


def test_demo_links_liudaye_in_his_grid(client, town):
    make_user("resident", town["g11"], username="liudaye")
    born(town["g11"], dt.date(1960, 1, 1), name="王大妈")
    liu = born(town["g11"], dt.date(1946, 1, 1), name="刘德福")
    neighbour = born(town["g12"], dt.date(1970, 1, 1), name="邻居")
    matter = consultation.raise_matter(
        node=town["c1"],
        title="小区乱停车",
        resident=neighbour,
        support_threshold=5,
        threshold_reason="测试设定的联署人数",
    )

    link_demo_resident(SimpleNamespace(nodes={"g001007": town["g11"]}))

    user = User.objects.get(username="liudaye")
    assert user.resident == liu
    client.force_login(user)
    assert client.get(reverse("consultation:matter_detail", args=[matter.pk])).status_code == 200
    assert "小区乱停车" in client.get(reverse("home")).content.decode()
