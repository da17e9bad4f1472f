"""Public comment on drafts: publish a draft in paragraphs, collect comments per paragraph,
answer each (adopted / partly / not adopted, with a reason), and publish the feedback report
(采纳情况反馈) on the disclosure board.

A town-wide draft (重大行政决策) belongs to the town and names the communities it covers: their
residents comment (each comment keeps the commenter's community), and the one combined
report — every comment grouped by adoption, with the counts per community — goes on each
covered community's board. After comment, the drafting office writes the revised text of each
paragraph a comment was adopted on (`revise_paragraph`); `revision` marks the changes
(difflib, character by character: Chinese has no spaces to split words on)."""

import difflib
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.territory.choices import Level

from ..choices import Adoption, DisclosureKind, DraftStatus
from ..models import Comment, Draft, Paragraph
from .disclosure import publish

_BLANK_LINES = re.compile(r"\n\s*\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; surrounding whitespace is dropped."""
    return [p.strip() for p in _BLANK_LINES.split(text or "") if p.strip()]


def create_draft(*, node, title, issuer, text, closes_on, communities=(), reason="") -> Draft:
    """Put a document out for comment, split into numbered paragraphs: in one community, or —
    a town-wide draft — in the town's communities named in `communities` (at least two)."""
    parts = split_paragraphs(text)
    if not parts:
        raise ValidationError({"text": _("请填写征求意见稿正文（段落之间空一行）")})
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("截止日期不能早于今天")})
    communities = list(communities or ())
    if node.level < Level.COMMUNITY:
        if len(communities) < 2:
            raise ValidationError({"communities": _("全镇（街道）征求意见须选择至少两个涉及的社区/村")})
        outside = [c.name for c in communities if c.level != Level.COMMUNITY or not c.path.startswith(node.path)]
        if outside:
            raise ValidationError(
                {"communities": _("%(names)s 不是%(town)s的社区/村") % {"names": "、".join(outside), "town": node.name}}
            )
    elif communities and communities != [node]:
        raise ValidationError({"communities": _("社区/村的征求意见稿不另选涉及社区；全镇征求意见请选择街道/乡镇")})
    else:
        communities = []
    with transaction.atomic():
        draft = core.create(Draft, node=node, title=title, issuer=issuer, closes_on=closes_on, reason=reason)
        Paragraph.objects.bulk_create([Paragraph(draft=draft, number=i, text=t) for i, t in enumerate(parts, 1)])
        if communities:
            draft.communities.set(communities)
            core.record(
                AuditAction.UPDATE,
                draft,
                after={"communities": [c.name for c in communities]},
                reason=reason or "全镇征求意见涉及社区",
                node_path=node.path,
            )
        return draft


def covered(draft) -> list:
    """The communities a draft's comment is taken in: those named, or its own community."""
    named = list(draft.communities.order_by("code"))
    return named or [draft.node]


def _community_of(resident):
    node = resident.grid
    while node is not None and node.level > Level.COMMUNITY:
        node = node.parent
    return node


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
    places = covered(draft)
    if resident is not None and not any(resident.grid.path.startswith(c.path) for c in places):
        raise ValidationError(_("%(name)s 不在本次征求意见的范围内") % {"name": resident.name})
    if resident is None and user is None:
        raise ValidationError(_("请登录后提出意见"))
    name = resident.name if resident is not None else user.get_full_name()
    community = _community_of(resident) if resident is not None else None
    return core.create(
        Comment,
        paragraph=paragraph,
        author=user,
        author_name=name,
        community=community,
        text=text.strip(),
        at=timezone.now(),
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
    """The 采纳情况反馈 report: the counts (and, town-wide, the counts per community), then the
    comments grouped by adoption — adopted, partly adopted, not adopted — each with its
    paragraph, community and reason."""
    comments = list(
        Comment.objects.filter(paragraph__draft=draft)
        .select_related("paragraph", "community")
        .order_by("paragraph__number", "at", "id")
    )
    counts = {a: sum(1 for c in comments if c.adoption == a) for a in Adoption.values}
    lines = [
        f"《{draft.title}》（{draft.issuer}）征求意见截至 {draft.closes_on:%Y年%m月%d日}，共收到意见 {len(comments)} 条："
        f"采纳 {counts[Adoption.ADOPTED]} 条，部分采纳 {counts[Adoption.PARTLY]} 条，"
        f"未采纳 {counts[Adoption.NOT_ADOPTED]} 条。"
    ]
    places = covered(draft)
    if len(places) > 1:
        per = [f"{p.name} {sum(1 for c in comments if c.community_id == p.pk)} 条" for p in places]
        lines.append("征求范围：" + "、".join(per) + "。")
    for adoption, group in report_groups(comments):
        lines.append(f"【{adoption.label}】")
        for c in group:
            where = f"（{c.community.name}）" if len(places) > 1 and c.community_id else ""
            answer_part = f"：{c.answer}" if c.answer else ""
            lines.append(f"第 {c.paragraph.number} 段{where} · {c.text} —— {c.get_adoption_display()}{answer_part}")
    return "\n".join(lines)


def report_groups(comments) -> list:
    """[(adoption, [comments])] in the report's order, empty groups left out."""
    order = (Adoption.ADOPTED, Adoption.PARTLY, Adoption.NOT_ADOPTED, Adoption.PENDING)
    groups = [(a, [c for c in comments if c.adoption == a]) for a in order]
    return [(a, g) for a, g in groups if g]


def publish_feedback(draft, *, board=None, reason="") -> Draft:
    """Publish the feedback report once every comment has been answered: on the draft's own
    community's board, or — town-wide — on the board of each community it covers (`board`
    names a single one instead). `Draft.report` is the first entry."""
    if draft.status != DraftStatus.CLOSED:
        raise ValidationError(_("征求意见结束后才能反馈采纳情况"))
    waiting = Comment.objects.filter(paragraph__draft=draft, adoption=Adoption.PENDING).count()
    if waiting:
        raise ValidationError(_("还有 %(waiting)s 条意见未答复") % {"waiting": waiting})
    boards = [board] if board is not None else covered(draft)
    for b in boards:
        if not b.path.startswith(draft.node.path):
            raise ValidationError({"board": _("公开栏不在征求意见范围内")})
    body = feedback_text(draft)
    with transaction.atomic():
        entries = [
            publish(
                node=b,
                kind=DisclosureKind.AFFAIRS,
                title=f"采纳情况反馈：{draft.title}"[:200],
                body=body,
                reason=reason,
            )
            for b in boards
        ]
        return core.update(
            draft, {"status": DraftStatus.REPORTED, "report": entries[0]}, reason=reason or "公开采纳情况"
        )


def revise_paragraph(paragraph, text, *, reason="") -> Paragraph:
    """Write the revised text of a paragraph after comment (修改稿). Only once comment has closed,
    and only for a paragraph a comment was adopted or partly adopted on: the revision carries
    the adopted changes. The same text as the original clears the revision. Audited."""
    draft = paragraph.draft
    if draft.status == DraftStatus.OPEN:
        raise ValidationError(_("征求意见结束后才能形成修改稿"))
    adopted = paragraph.comments.filter(adoption__in=(Adoption.ADOPTED, Adoption.PARTLY)).exists()
    if not adopted:
        raise ValidationError(_("第 %(n)s 段没有采纳或部分采纳的意见，不作修改") % {"n": paragraph.number})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"revised": _("请填写修改后的段落内容")})
    revised = "" if text == paragraph.text else text
    if revised == paragraph.revised:
        return paragraph
    with transaction.atomic():
        before = paragraph.revised
        Paragraph.objects.filter(pk=paragraph.pk).update(revised=revised)
        paragraph.revised = revised
        core.record(
            AuditAction.UPDATE,
            paragraph,
            before={"revised": before},
            after={"revised": revised},
            reason=reason or f"第 {paragraph.number} 段修改稿",
            node_path=draft.node.path,
        )
        return paragraph


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """The changes from `old` to `new` as [(op, text)], op one of "same", "del", "ins"
    (a replacement is a deletion then an insertion), character by character."""
    out = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            out.append(("same", old[i1:i2]))
            continue
        if i2 > i1:
            out.append(("del", old[i1:i2]))
        if j2 > j1:
            out.append(("ins", new[j1:j2]))
    return out


def revision(draft) -> list[dict]:
    """Each paragraph of the revised text: number, original, revised (the original when not
    revised), the marked changes and the adopted comments behind them."""
    adopted = {}
    for c in Comment.objects.filter(paragraph__draft=draft, adoption__in=(Adoption.ADOPTED, Adoption.PARTLY)).order_by(
        "at", "id"
    ):
        adopted.setdefault(c.paragraph_id, []).append(c)
    out = []
    for p in draft.paragraphs.order_by("number"):
        new = p.revised or p.text
        out.append(
            {
                "paragraph": p,
                "number": p.number,
                "changed": bool(p.revised),
                "text": new,
                "ops": diff(p.text, new) if p.revised else [("same", p.text)],
                "comments": adopted.get(p.pk, []),
            }
        )
    return out
