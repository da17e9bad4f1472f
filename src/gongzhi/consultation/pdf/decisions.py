"""The resolution (决议) and the disclosure notice for the paper board."""

from django.utils.translation import gettext as _

from gongzhi.core import pdf

from .. import chain, ledger
from ..choices import DecisionOutcome
from ..models import Matter
from .common import committee, day, kit, rule_sentence, tally_line


def resolution_pdf(decision) -> bytes:
    """决议: what was decided, by which body at which meeting, the count with its arithmetic and
    the legal basis — the rule's law and article (BodyRule data, consultation/rules.py) and,
    for an Art. 24 matter, that the law reserves it to the 村民会议."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    style, p = kit()
    motion, meeting, body = decision.motion, decision.meeting, decision.body
    rule = motion.effective_rule()
    adopted = decision.outcome == DecisionOutcome.ADOPTED
    story = [
        p(_("%(body)s决议") % {"body": body.name}, "title"),
        p(_("（%(day)s %(title)s表决）") % {"day": day(meeting.date), "title": meeting.title}, "center"),
        Spacer(1, 5 * mm),
    ]
    if decision.matter_id:
        story.append(p(_("议题：%(t)s") % {"t": decision.matter.title}))
    story += [
        p(decision.text),
        p(_("表决情况"), "head"),
        p(tally_line(motion)),
        p(decision.result_text),
        p(_("表决结果：%(o)s") % {"o": _("通过") if adopted else _("未通过")}),
        p(_("法律依据"), "head"),
        p(rule_sentence(rule)),
    ]
    if decision.matter_id and decision.matter.art24:
        field = Matter._meta.get_field("art24")
        story.append(
            p(
                _("本议题属%(law)s%(what)s（%(help)s）。")
                % {"law": _("中华人民共和国村民委员会组织法"), "what": field.verbose_name, "help": field.help_text}
            )
        )
    if rule.verify:
        story.append(p(_("注：该条文编号尚待对照最新法律文本核实。"), "small"))
    story += [
        Spacer(1, 12 * mm),
        p(committee(decision.node) + _("（印章）"), "right"),
        p(day(decision.decided_on), "right"),
    ]
    return pdf.build(story, title=_("决议：%(t)s") % {"t": decision.text[:40]})


def disclosure_pdf(entry, *, verify_url="") -> bytes:
    """The notice of one board entry to post on the paper board, carrying the entry's hash and
    the board's and the ledger's head at printing (the record kept outside the system that a
    later check compares with: chain.py, ledger.py)."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    style, p = kit()
    node = entry.node
    seq, head = chain.head(node)
    count, ledger_hash = ledger.ledger_head()
    story = [
        p(entry.title, "title"),
        p(
            " · ".join(x for x in (node.name, entry.get_kind_display(), entry.period) if x),
            "center",
        ),
        Spacer(1, 4 * mm),
    ]
    if entry.corrects_id:
        story.append(p(_("本条更正第 %(n)s 条“%(t)s”") % {"n": entry.corrects.seq, "t": entry.corrects.title}))
    story += [
        p(entry.body),
        Spacer(1, 10 * mm),
        p(committee(node), "right"),
        p(day(entry.published_at), "right"),
        Spacer(1, 8 * mm),
        p(_("公开栏第 %(n)s 条 · 本条哈希 %(h)s") % {"n": entry.seq, "h": entry.hash}, "small"),
        p(_("打印时本栏共 %(n)s 条，链头哈希 %(h)s") % {"n": seq, "h": head}, "small"),
        p(_("打印时全部公开栏账本共 %(n)s 条，账本哈希 %(h)s") % {"n": count, "h": ledger_hash}, "small"),
        p(
            _(
                "核对：在线公开栏的校验页，或管理员运行 gongzhi verify-disclosure；在线记录少于本告示所载条数，即有条目被删除。"
            )
            + (f" {verify_url}" if verify_url else ""),
            "small",
        ),
    ]
    return pdf.build(story, title=entry.title)
