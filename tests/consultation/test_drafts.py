"""Public comment on a draft: paragraphs, comments, answers with reasons, and the published
采纳情况反馈."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongzhi.consultation import chain, services
from gongzhi.consultation.models import Comment
from gongzhi.core import audit
from tests import factories

from .conftest import born

TEXT = """第一条 为规范小区停车秩序，制定本办法。

第二条 小区道路禁止占用消防通道停车。

第三条 夜间错时停车每月收费 100 元。"""


@pytest.fixture
def draft(town):
    return services.create_draft(
        node=town["c1"],
        title="南庄社区停车管理办法（征求意见稿）",
        issuer="南庄社区居委会",
        text=TEXT,
        closes_on=timezone.localdate() + dt.timedelta(days=14),
    )


def test_draft_is_split_into_paragraphs(draft):
    assert [(p.number, p.text[:3]) for p in draft.paragraphs.all()] == [(1, "第一条"), (2, "第二条"), (3, "第三条")]


def test_comments_answers_and_the_feedback_report(town, draft):
    p1, _, p3 = draft.paragraphs.all()
    liu = born(town["g11"], dt.date(1948, 3, 3), name="刘大爷")
    with audit.acting(user=factories.make_user("resident", town["c1"], resident=liu), source="web"):
        a = services.comment(p3, "收费太高，建议 50 元")
    b = services.comment(p1, "建议写明适用范围", resident=born(town["g12"], dt.date(1980, 1, 1), name="王芳"))
    c = services.comment(p3, "外来车辆也应收费", resident=born(town["g12"], dt.date(1985, 1, 1), name="李明"))
    assert (a.author_name, a.author.resident) == ("刘大爷", liu)
    with pytest.raises(ValidationError, match="不在本次征求意见的范围内"):
        services.comment(p1, "x", resident=born(town["g21"], dt.date(1970, 1, 1)))

    with pytest.raises(ValidationError, match="征求意见结束后"):
        services.publish_feedback(draft)
    services.close_draft(draft)
    with pytest.raises(ValidationError, match="征求意见已截止"):
        services.comment(p1, "迟到的意见", resident=liu)
    with pytest.raises(ValidationError, match="须说明理由"):
        services.answer(a, "partly")
    services.answer(a, "partly", "调整为 80 元")
    services.answer(b, "adopted")
    with pytest.raises(ValidationError, match="还有 1 条意见未答复"):
        services.publish_feedback(draft)
    services.answer(c, "not_adopted", "外来车辆由物业另行管理")

    draft = services.publish_feedback(draft)
    assert draft.status == "reported"
    body = draft.report.body
    assert "共收到意见 3 条：采纳 1 条，部分采纳 1 条，未采纳 1 条。" in body
    assert "第 3 段 · 收费太高，建议 50 元 —— 部分采纳：调整为 80 元" in body
    assert body.index("第 1 段") < body.index("第 3 段")
    assert chain.verify(town["c1"]).ok
    with pytest.raises(ValidationError, match="已公开反馈"):
        services.answer(Comment.objects.get(pk=b.pk), "not_adopted", "改主意")


def test_empty_draft_and_past_deadline_are_refused(town):
    with pytest.raises(ValidationError, match="请填写征求意见稿正文"):
        services.create_draft(
            node=town["c1"], title="空", issuer="居委会", text="\n\n  \n", closes_on=timezone.localdate()
        )
    with pytest.raises(ValidationError, match="截止日期不能早于今天"):
        services.create_draft(
            node=town["c1"],
            title="旧",
            issuer="居委会",
            text="一段",
            closes_on=timezone.localdate() - dt.timedelta(days=1),
        )


@pytest.mark.parametrize(
    "role,node,sees,answers,comments",
    [
        ("community", "c1", True, True, False),
        ("community", "c2", False, False, False),
        ("resident", "c1", True, False, True),
        ("supervisor", "t", True, False, False),
        ("grid", "g11", False, False, False),
    ],
)
def test_draft_permissions(town, draft, role, node, sees, answers, comments):
    from gongzhi.consultation import permissions, selectors

    user = factories.make_user(role, town[node])
    assert selectors.drafts(user).filter(pk=draft.pk).exists() == sees
    assert permissions.can_answer(user, draft) == answers
    assert permissions.can_comment(user, draft) == comments
