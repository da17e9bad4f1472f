"""Rules documents and versions: creating, drafting a revision article by article, adoption
only on a meeting's favourable decision on the linked matter, publication on the board with
the changed articles marked."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from gongzhi.civil import services
from gongzhi.civil.choices import Change, VersionStatus
from gongzhi.civil.models import RulesDocument
from gongzhi.consultation.models import DisclosureEntry
from gongzhi.core.models import AuditEntry

from .conftest import raise_to_council, vote


def _errors(excinfo):
    return excinfo.value.message_dict if hasattr(excinfo.value, "error_dict") else {"__all__": excinfo.value.messages}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"node": "g11"}, "node"),
        ({"kind": "nonsense"}, "kind"),
        ({"title": "  "}, "title"),
        ({"articles": ["", "  "]}, "articles"),
        ({"kind": "bylaw"}, "parent"),
        ({"adopted_on": dt.date(2019, 1, 1), "basis": ""}, "basis"),
        ({"adopted_on": dt.date(2999, 1, 1), "basis": "x"}, "adopted_on"),
    ],
)
def test_create_document_refuses_bad_input(town, changes, field):
    data = {"node": town["c1"], "kind": "covenant", "title": "公约", "articles": ["一条"]}
    data.update({k: town[v] if k == "node" else v for k, v in changes.items()})
    with pytest.raises(ValidationError) as excinfo:
        services.create_document(**data)
    assert field in _errors(excinfo)
    assert not RulesDocument.objects.exists()


def test_bylaw_belongs_to_a_charter_of_the_same_community(civil, town):
    charter = services.create_document(node=civil.c1, kind="charter", title="自治章程", articles=["总则"])
    bylaw = services.create_document(
        node=civil.c1, kind="bylaw", title="议事规则实施细则", articles=["细则"], parent=charter
    )
    assert bylaw.parent == charter and bylaw.current is None
    with pytest.raises(ValidationError, match="实施细则须属于本社区"):
        services.create_document(node=town["c2"], kind="bylaw", title="细则", articles=["x"], parent=charter)
    with pytest.raises(ValidationError, match="只有实施细则"):
        services.create_document(node=civil.c1, kind="covenant", title="公约", articles=["x"], parent=charter)


def test_rules_in_force_before_the_platform_are_recorded_as_adopted(civil):
    current = civil.document.current
    assert current.status == VersionStatus.ADOPTED and current.number == 1
    assert current.basis == "2019年居民会议通过"
    assert [a.text for a in current.articles.all()] == [
        "爱护公共设施。",
        "垃圾分类投放。",
        "晚上十点后不得使用扩音设备。",
    ]


def test_revision_copies_articles_and_is_edited_article_by_article(civil):
    version = services.start_revision(civil.document, summary="增加电动车条款")
    assert version.number == 2 and version.based_on == civil.document.current
    services.set_article(version, number=3, text="晚上九点半后不得使用扩音设备。")
    services.set_article(version, number=4, title="电动车", text="电动车不得入户充电。")
    services.remove_article(version, 1)
    rows = {r["number"]: r for r in services.changes(version)}
    assert rows[1]["change"] == Change.REMOVED
    assert rows[2]["change"] == Change.SAME
    assert rows[3]["change"] == Change.CHANGED
    assert ("del", "十") in rows[3]["ops"] and ("ins", "九") in rows[3]["ops"]
    assert rows[4]["change"] == Change.ADDED and rows[4]["title"] == "电动车"
    # The version in force is untouched.
    assert civil.document.current.articles.count() == 3
    assert AuditEntry.objects.filter(content_type__model="article").count() >= 3


def test_revision_refusals(civil):
    with pytest.raises(ValidationError, match="修订说明"):
        services.start_revision(civil.document, summary=" ")
    version = services.start_revision(civil.document, summary="修订")
    with pytest.raises(ValidationError, match="已有一个起草中的修订版本"):
        services.start_revision(civil.document, summary="再修订")
    with pytest.raises(ValidationError) as excinfo:
        services.set_article(version, number=0, text="x")
    assert "number" in _errors(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.set_article(version, number=2, text="  ")
    assert "text" in _errors(excinfo)
    with pytest.raises(ValidationError, match="没有第 9 条"):
        services.remove_article(version, 9)
    with pytest.raises(ValidationError, match="只有起草中的版本"):
        services.set_article(civil.document.current, number=1, text="改")


def test_a_matter_of_another_community_cannot_be_linked(civil, town):
    from gongzhi.consultation import services as consultation

    other = consultation.raise_matter(node=town["c2"], title="别处议题", source="committee")
    version = services.start_revision(civil.document, summary="修订")
    with pytest.raises(ValidationError, match="议题须属于南庄社区"):
        services.link_matter(version, other)


def test_adoption_is_refused_until_the_matter_is_voted_through(civil):
    version = services.start_revision(civil.document, summary="修订")
    with pytest.raises(ValidationError, match="请先关联议题"):
        services.adopt_version(version)
    matter = raise_to_council(civil)
    version = services.link_matter(version, matter)
    with pytest.raises(ValidationError, match="尚未经会议表决通过"):
        services.adopt_version(version)
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT
    decision = vote(civil, matter)
    version = services.adopt_version(version)
    assert version.status == VersionStatus.ADOPTED
    assert version.decision == decision and version.adopted_on == decision.decided_on
    civil.document.refresh_from_db()
    assert civil.document.current == version
    with pytest.raises(ValidationError, match="只有起草中的版本"):
        services.set_article(version, number=1, text="改")


def test_a_rejected_matter_never_adopts_the_revision(civil):
    matter = raise_to_council(civil)
    version = services.start_revision(civil.document, summary="修订", matter=matter)
    vote(civil, matter, passed=False)
    with pytest.raises(ValidationError, match="尚未经会议表决通过（当前状态：不予通过|尚未经会议表决通过"):
        services.adopt_version(version)


def test_publication_puts_the_changes_on_the_board(civil):
    matter = raise_to_council(civil)
    version = services.start_revision(civil.document, summary="调整时间", matter=matter)
    services.set_article(version, number=3, text="晚上九点半后不得使用扩音设备。")
    with pytest.raises(ValidationError, match="尚未通过"):
        services.publish_version(version)
    vote(civil, matter)
    version = services.publish_version(services.adopt_version(version))
    assert version.status == VersionStatus.PUBLISHED
    entry = DisclosureEntry.objects.get(pk=version.board_entry_id)
    assert entry.node == civil.c1 and entry.kind == "affairs" and entry.matter == matter
    assert "第 3 条（修改）原：晚上十点后不得使用扩音设备。 → 现：晚上九点半后不得使用扩音设备。" in entry.body
    assert "第 1 条 爱护公共设施。" in entry.body
    with pytest.raises(ValidationError, match="只有已通过、尚未公布的版本"):
        services.publish_version(version)
