"""Drafting, adopting and publishing the versions of a community's rules.

A document is created with its first version: a draft, or — for rules already in force before
the platform — recorded as adopted with the basis of their adoption. A revision copies the
articles in force into a new draft, which is edited article by article, linked to the
consultation matter it goes through, adopted only once a meeting decided that matter in
favour, and then published on the community's board with the changed articles marked.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.consultation.choices import DecisionOutcome, DisclosureKind, MatterStatus
from gongzhi.consultation.models import Decision
from gongzhi.consultation.services import publish
from gongzhi.consultation.services.drafts import diff as text_diff
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.territory.choices import Level

from ..choices import Change, DocumentKind, VersionStatus
from ..models import Article, RulesDocument, RulesVersion

DECIDED = (MatterStatus.DECIDED, MatterStatus.CARRYING_OUT, MatterStatus.DONE)


def split_articles(text: str) -> list[str]:
    """One article per non-empty line of `text`."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def create_document(*, node, kind, title, articles, parent=None, adopted_on=None, basis="", reason="") -> RulesDocument:
    """A community's rules document with its first version of `articles` (texts, numbered
    from 1). With `adopted_on` and `basis` (e.g. "2019年村民会议通过") the version is recorded as
    adopted and in force: rules that predate the platform need no second vote."""
    if node is None or node.level != Level.COMMUNITY:
        raise ValidationError({"node": _("村规民约和章程属于社区或村")})
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("请选择文件类别")})
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写名称")})
    if kind == DocumentKind.BYLAW:
        if parent is None or parent.kind != DocumentKind.CHARTER or parent.node_id != node.pk:
            raise ValidationError({"parent": _("实施细则须属于本社区/村的自治章程，请选择所属章程")})
    elif parent is not None:
        raise ValidationError({"parent": _("只有实施细则可以选择所属章程")})
    texts = [t.strip() for t in articles if t and t.strip()]
    if not texts:
        raise ValidationError({"articles": _("请至少填写一条条文（每行一条）")})
    basis = (basis or "").strip()
    if adopted_on is not None and not basis:
        raise ValidationError({"basis": _("已施行的文件须说明通过依据（何时经何会议通过）")})
    if adopted_on is not None and adopted_on > timezone.localdate():
        raise ValidationError({"adopted_on": _("通过日期不能晚于今天")})
    with transaction.atomic():
        document = core.create(RulesDocument, node=node, kind=kind, title=title, parent=parent, reason=reason)
        status = VersionStatus.ADOPTED if adopted_on else VersionStatus.DRAFT
        version = core.create(
            RulesVersion,
            document=document,
            number=1,
            status=status,
            basis=basis[:200] if adopted_on else "",
            adopted_on=adopted_on,
            summary=_("首版") if not adopted_on else basis,
            reason=reason,
        )
        Article.objects.bulk_create([Article(version=version, number=i, text=t) for i, t in enumerate(texts, start=1)])
        if adopted_on:
            document = core.update(document, {"current": version}, reason=basis)
        return document


def _draft_of(document):
    return document.versions.filter(status=VersionStatus.DRAFT).first()


def start_revision(document, *, summary, matter=None, reason="") -> RulesVersion:
    """A new draft version copying the articles in force. One draft at a time, and only once a
    version is in force (a first draft is edited directly)."""
    if document.current_id is None:
        raise ValidationError(_("该文件尚无现行版本，请直接修改首版草案"))
    if _draft_of(document) is not None:
        raise ValidationError(_("该文件已有一个起草中的修订版本，请先完成它"))
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("请填写修订说明（为什么修订）")})
    with transaction.atomic():
        current = document.current
        number = (document.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = core.create(
            RulesVersion, document=document, number=number, summary=summary, based_on=current, reason=reason
        )
        Article.objects.bulk_create(
            [Article(version=version, number=a.number, title=a.title, text=a.text) for a in current.articles.all()]
        )
        if matter is not None:
            version = link_matter(version, matter, reason=reason)
        return version


def _editable(version):
    if version.status != VersionStatus.DRAFT:
        raise ValidationError(_("只有起草中的版本可以修改条文；已通过的版本不能再改"))


def set_article(version, *, number, text, title="", reason="") -> Article:
    """Add article `number` to a draft, or change its text."""
    _editable(version)
    if not isinstance(number, int) or number < 1 or number > 999:
        raise ValidationError({"number": _("条号应为 1 到 999 的整数")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写条文")})
    title = (title or "").strip()[:100]
    with transaction.atomic():
        article = Article.objects.filter(version=version, number=number).first()
        if article is None:
            article = Article.objects.create(version=version, number=number, title=title, text=text)
            core.record(AuditAction.CREATE, article, after={"text": text, "title": title}, reason=reason)
        elif (article.text, article.title) != (text, title):
            before = {"text": article.text, "title": article.title}
            article.text, article.title = text, title
            article.save(update_fields=["text", "title"])
            core.record(AuditAction.UPDATE, article, before=before, after={"text": text, "title": title}, reason=reason)
        return article


def remove_article(version, number, *, reason="") -> None:
    """Remove article `number` from a draft (the other articles keep their numbers)."""
    _editable(version)
    article = Article.objects.filter(version=version, number=number).first()
    if article is None:
        raise ValidationError({"number": _("草案中没有第 %(n)s 条") % {"n": number}})
    if version.articles.count() == 1:
        raise ValidationError({"number": _("不能删除唯一的一条条文")})
    with transaction.atomic():
        core.record(AuditAction.DELETE, article, before={"text": article.text}, reason=reason)
        article.delete()


def link_matter(version, matter, *, reason="") -> RulesVersion:
    """Name the consultation matter through which the draft is to be adopted."""
    _editable(version)
    node = version.document.node
    if matter is None or matter.node_id != node.pk:
        raise ValidationError({"matter": _("议题须属于%(place)s") % {"place": node.name}})
    return core.update(version, {"matter": matter}, reason=reason)


def adopting_decision(version):
    """The decision adopting `version`: the latest adopted decision on its matter, once the
    matter is decided. None when there is none (yet)."""
    if version.matter_id is None or version.matter.status not in DECIDED:
        return None
    return (
        Decision.objects.filter(matter_id=version.matter_id, outcome=DecisionOutcome.ADOPTED)
        .order_by("-decided_on", "-id")
        .first()
    )


def adoption_refusal(version) -> str:
    """Why `version` cannot be adopted now ("" when it can)."""
    if version.status != VersionStatus.DRAFT:
        return _("该版本已通过，不能再次通过")
    if version.matter_id is None:
        return _("修订须经协商议事通过：请先关联议题，并将议题提交会议表决")
    if adopting_decision(version) is None:
        return _("议题“%(title)s”尚未经会议表决通过（当前状态：%(status)s），不能通过该修订") % {
            "title": version.matter.title,
            "status": version.matter.get_status_display(),
        }
    return ""


def adopt_version(version, *, reason="", expected_version=None) -> RulesVersion:
    """Adopt a draft on the decision of the meeting that voted its matter through; it becomes
    the document's version in force. Refused, with nothing written, until that decision exists."""
    with transaction.atomic():
        version = (
            RulesVersion.objects.select_for_update(of=("self",)).select_related("matter", "document").get(pk=version.pk)
        )
        refused = adoption_refusal(version)
        if refused:
            raise ValidationError(refused)
        decision = adopting_decision(version)
        version = core.update(
            version,
            {"status": VersionStatus.ADOPTED, "decision": decision, "adopted_on": decision.decided_on},
            reason=reason or f"{decision.body.name}：{decision.result_text}",
            expected_version=expected_version,
        )
        core.update(version.document, {"current": version}, reason=reason)
        return version


def changes(version) -> list[dict]:
    """The articles of `version` against the version it revises: number, title, text, the
    change (Change) and the marked text ([(op, text)] as consultation marks town drafts)."""
    new = {a.number: a for a in version.articles.all()}
    old = {a.number: a for a in version.based_on.articles.all()} if version.based_on_id else {}
    out = []
    for number in sorted(set(new) | set(old)):
        a, b = old.get(number), new.get(number)
        if b is None:
            out.append(
                {"number": number, "title": a.title, "text": a.text, "change": Change.REMOVED, "ops": [("del", a.text)]}
            )
        elif a is None:
            out.append(
                {
                    "number": number,
                    "title": b.title,
                    "text": b.text,
                    "change": Change.ADDED if old else Change.SAME,
                    "ops": [("ins" if old else "same", b.text)],
                }
            )
        elif (a.text, a.title) != (b.text, b.title):
            out.append(
                {
                    "number": number,
                    "title": b.title,
                    "text": b.text,
                    "change": Change.CHANGED,
                    "ops": text_diff(a.text, b.text),
                }
            )
        else:
            out.append(
                {"number": number, "title": b.title, "text": b.text, "change": Change.SAME, "ops": [("same", b.text)]}
            )
    return out


def board_text(version, rows) -> str:
    """The board entry: why, what changed (old and new wording), then the full text."""
    lines = [_("修订说明：%(s)s") % {"s": version.summary}] if version.summary else []
    if version.decision_id:
        d = version.decision
        lines.append(
            _("%(body)s %(day)s 表决通过（%(result)s）")
            % {"body": d.body.name, "day": f"{d.decided_on:%Y-%m-%d}", "result": d.result_text}
        )
    changed = [r for r in rows if r["change"] != Change.SAME]
    if changed:
        lines.append(_("本次修订的条款："))
        for r in changed:
            old = "".join(t for op, t in r["ops"] if op in ("same", "del"))
            new = "".join(t for op, t in r["ops"] if op in ("same", "ins"))
            label = Change(r["change"]).label
            if r["change"] == Change.CHANGED:
                lines.append(
                    _("第 %(n)s 条（%(label)s）原：%(old)s → 现：%(new)s")
                    % {"n": r["number"], "label": label, "old": old, "new": new}
                )
            else:
                lines.append(
                    _("第 %(n)s 条（%(label)s）：%(text)s") % {"n": r["number"], "label": label, "text": r["text"]}
                )
    lines.append(_("全文："))
    lines += [f"第 {r['number']} 条 {r['text']}" for r in rows if r["change"] != Change.REMOVED]
    return "\n".join(lines)


def publish_version(version, *, reason="", expected_version=None) -> RulesVersion:
    """Publish an adopted version on its community's board (村（居）务公开), with the changed
    articles marked against the version it revises."""
    if version.status != VersionStatus.ADOPTED:
        raise ValidationError(
            _("只有已通过、尚未公布的版本可以公布")
            if version.status == VersionStatus.PUBLISHED
            else _("该版本尚未通过，不能公布")
        )
    document = version.document
    with transaction.atomic():
        entry = publish(
            node=document.node,
            kind=DisclosureKind.AFFAIRS,
            title=_("%(title)s（第 %(n)s 版）公布") % {"title": document.title, "n": version.number},
            body=board_text(version, changes(version)),
            decision=version.decision,
            matter=version.matter,
            reason=reason,
        )
        return core.update(
            version,
            {"status": VersionStatus.PUBLISHED, "board_entry": entry},
            reason=reason,
            expected_version=expected_version,
        )


def today() -> dt.date:
    return timezone.localdate()
