"""待作答问卷 (a linked resident's figure and menu badge) equals the rows of the list it opens
(/surveys/mine/?todo=1); staff roles do not have it."""

from django.urls import reverse

from gongzhi.core import manifest
from gongzhi.surveys import services
from gongzhi.surveys.choices import Channel

from .conftest import make_vote, yes


def _counter():
    return next(c for _label, m in manifest.apps() for c in m.counters if c.key == "surveys_open")


def test_open_surveys_to_answer_equal_the_list(client, world, vote):
    other = make_vote(world, title="第二份")
    counter = _counter()
    resident = world.users.resident
    client.force_login(resident)

    def listed():
        return client.get(counter.url(resident)).context["page"].paginator.count

    assert counter.count(resident) == listed() == 2
    services.answer(other, world.people.a1, yes(other), channel=Channel.PHONE)
    assert counter.count(resident) == listed() == 1
    services.close_survey(vote)
    assert counter.count(resident) == listed() == 0
    badges = client.get(reverse("badges"))
    assert badges.status_code == 200
    assert counter.count(world.users.community) is None and counter.count(world.users.grid) is None
    assert counter.count(world.users.far_resident) == 0
