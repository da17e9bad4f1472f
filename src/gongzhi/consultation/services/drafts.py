"""Public comment on drafts: publish a draft in paragraphs, collect comments per paragraph,
answer each (adopted / partly / not adopted, with a reason), and publish the feedback report
(采纳情况反馈) on the disclosure board."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core

from ..choices import Adoption, DisclosureKind, DraftStatus
from ..models import Comment, Draft, Paragraph
from .disclosure import publish

_BLANK_LINES = re.compile(r"\n\s*\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; surrounding whitespace is dropped."""
    return [p.strip() for p in _BLANK_LINES.split(text or "") if p.strip()]


def create_draft(*, node, title, issuer, text, closes_on, reason="") -> Draft:
    """Put a document out for comment, split into numbered paragraphs."""
    parts = split_paragraphs(text)
    if not parts:
        raise ValidationError({"text": _("请填写征求意见稿正文（段落之间空一行）")})
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("截止日期不能早于今天")})
    with transaction.atomic():
        draft = core.create(Draft, node=node, title=title, issuer=issuer, closes_on=closes_on, reason=reason)
        Paragraph.objects.bulk_create([Paragraph(draft=draft, number=i, text=t) for i, t in enumerate(parts, 1)])
        return draft


def comment(paragraph, text, *, resident=None) -> Comment:
    """A comment on one paragraph, in the commenter's name, while the draft is open."""
    draft = paragraph.draft
    if draft.status != DraftStatus.OPEN or timezone.localdate() > draft.closes_on:
        raise ValidationError(_("征求意见已截止"))
    if not (text or "").strip():
        raise ValidationError({"text": _("请填写意见")})
    user = audit.current().user
    user = user if getattr(user, "is_authenticated", False) else None
    resident = resident or (getattr(user, "resident", None) if user else None)
    if resident is not None and not resident.grid.path.startswith(draft.node.path):
        raise ValidationError(_("%(name)s 不在本次征求意见的范围内") % {"name": resident.name})
    if resident is None and user is None:
        raise ValidationError(_("请登录后提出意见"))
    name = resident.name if resident is not None else user.get_full_name()
    return core.create(
        Comment, paragraph=paragraph, author=user, author_name=name, text=text.strip(), at=timezone.now()
    )


def close_draft(draft, *, reason="") -> Draft:
    if draft.status != DraftStatus.OPEN:
        raise ValidationError(_("征求意见已结束"))
    return core.update(draft, {"status": DraftStatus.CLOSED}, reason=reason or "征求意见结束")


def answer(comment_obj, adoption, text="", *, expected_version=None) -> Comment:
    """The official's answer to a comment. Partly or not adopted needs a reason: it is
    published in the feedback report."""
    if comment_obj.paragraph.draft.status == DraftStatus.REPORTED:
        raise ValidationError(_("采纳情况已公开反馈，不能再修改"))
    if adoption not in (Adoption.ADOPTED, Adoption.PARTLY, Adoption.NOT_ADOPTED):
        raise ValidationError({"adoption": _("请选择采纳、部分采纳或未采纳")})
    if adoption != Adoption.ADOPTED and not (text or "").strip():
        raise ValidationError({"answer": _("部分采纳或未采纳须说明理由")})
    return core.update(
        comment_obj,
        {"adoption": adoption, "answer": (text or "").strip()},
        reason="答复意见",
        expected_version=expected_version,
    )


def feedback_text(draft) -> str:
    """The 采纳情况反馈 report: the counts, then each comment with its answer, by paragraph."""
    comments = list(
        Comment.objects.filter(paragraph__draft=draft)
        .select_related("paragraph")
        .order_by("paragraph__number", "at", "id")
    )
    counts = {a: sum(1 for c in comments if c.adoption == a) for a in Adoption.values}
    lines = [
        f"《{draft.title}》（{draft.issuer}）征求意见截至 {draft.closes_on:%Y年%m月%d日}，共收到意见 {len(comments)} 条："
        f"采纳 {counts[Adoption.ADOPTED]} 条，部分采纳 {counts[Adoption.PARTLY]} 条，"
        f"未采纳 {counts[Adoption.NOT_ADOPTED]} 条。"
    ]
    for c in comments:
        answer_part = f"：{c.answer}" if c.answer else ""
        lines.append(f"第 {c.paragraph.number} 段 · {c.text} —— {c.get_adoption_display()}{answer_part}")
    return "\n".join(lines)


def publish_feedback(draft, *, board=None, reason="") -> Draft:
    """Publish the feedback report on a community's board (the draft's own community, or
    `board` for a town-wide draft) once every comment has been answered."""
    if draft.status != DraftStatus.CLOSED:
        raise ValidationError(_("征求意见结束后才能反馈采纳情况"))
    waiting = Comment.objects.filter(paragraph__draft=draft, adoption=Adoption.PENDING).count()
    if waiting:
        raise ValidationError(_("还有 %(waiting)s 条意见未答复") % {"waiting": waiting})
    board = board or draft.node
    if not board.path.startswith(draft.node.path):
        raise ValidationError({"board": _("公开栏不在征求意见范围内")})
    with transaction.atomic():
        entry = publish(
            node=board,
            kind=DisclosureKind.AFFAIRS,
            title=f"采纳情况反馈：{draft.title}"[:200],
            body=feedback_text(draft),
            reason=reason,
        )
        return core.update(draft, {"status": DraftStatus.REPORTED, "report": entry}, reason=reason or "公开采纳情况")
