"""The application log: a breach of an article of the version in force, by a resident of the
community, and how it was handled; searchable by article."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.civil import selectors, services
from gongzhi.civil.models import RuleApplication
from tests import factories

TODAY = timezone.localdate()


def _record(world, **changes):
    data = {
        "document": world.document,
        "article_number": 2,
        "occurred_on": TODAY - dt.timedelta(days=1),
        "resident": world.members[0],
        "facts": "垃圾未分类",
        "handling": "上门劝导",
    }
    data.update(changes)
    return services.record_application(**data)


def test_an_application_is_recorded_against_the_article_in_force(civil):
    entry = _record(civil)
    assert entry.article.version == civil.document.current and entry.article.number == 2
    assert "周" not in str(entry) and entry.resident.name not in str(entry)  # no name in the audit text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"article_number": 9}, "article_number"),
        ({"article_number": 0}, "article_number"),
        ({"occurred_on": None}, "occurred_on"),
        ({"occurred_on": TODAY + dt.timedelta(days=1)}, "occurred_on"),
        ({"resident": None}, "resident"),
        ({"facts": " "}, "facts"),
        ({"handling": ""}, "handling"),
    ],
)
def test_bad_input_is_refused(civil, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        _record(civil, **changes)
    assert field in excinfo.value.message_dict
    assert not RuleApplication.objects.exists()


def test_a_resident_of_another_community_is_refused(civil):
    with pytest.raises(ValidationError, match="不是南庄社区的居民"):
        _record(civil, resident=civil.far)


def test_a_draft_document_has_no_log_yet(civil):
    draft = services.create_document(node=civil.c1, kind="charter", title="章程", articles=["x"])
    with pytest.raises(ValidationError, match="尚无现行版本"):
        _record(civil, document=draft, article_number=1)


def test_the_log_is_searched_by_article_and_text(civil):
    _record(civil)
    _record(civil, article_number=3, facts="广场舞音响", handling="调低音量")
    user = civil.users.community
    assert selectors.applications(user, article=3).count() == 1
    assert selectors.applications(user, q="音量").count() == 1
    assert selectors.applications(user).count() == 2
    assert selectors.applications(civil.users.community2).count() == 0
    assert selectors.applications(factories.make_user("department", civil.town["t"])).count() == 0
