"""What the consultation documents share: the font and styles, who issues them (the village or
residents' committee), the legal rule in words, and the tally arithmetic in one line."""

from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import pdf
from gongzhi.territory.choices import Level, NodeKind

from ..choices import Constituency


def kit():
    """(styles, para) with STSong-Light, the font every consultation document uses."""
    style = pdf.styles(pdf.cid_font())

    def p(text, name="body"):
        return pdf.para(text, style[name])

    return style, p


def community(node):
    """The village or community a body or meeting belongs to (a village group's: its village)."""
    return node if node.level <= Level.COMMUNITY else node.parent


def committee(node) -> str:
    """Who issues a document: 某某村民委员会 or 某某居民委员会."""
    place = community(node)
    return (
        _("%(name)s村民委员会") % {"name": place.name.removesuffix("村")}
        if place.kind == NodeKind.VILLAGE
        else _("%(name)s居民委员会") % {"name": place.name}
    )


def day(value) -> str:
    if value is None:
        return _("　年　月　日")
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}年{value.month}月{value.day}日"


def who_attends(body) -> str:
    if body.constituency == Constituency.ADULTS:
        return _("%(place)s年满十八周岁的居民（村民）") % {"place": body.node.name}
    if body.constituency == Constituency.HOUSEHOLDS:
        return _("%(place)s各户户代表（每户一人）") % {"place": body.node.name}
    return _("%(body)s组成人员") % {"body": body.name}


def fraction(strict: bool, num: int, den: int) -> str:
    return (_("超过 %(n)s/%(d)s") if strict else _("达到 %(n)s/%(d)s")) % {"n": num, "d": den}


def rule_sentence(rule) -> str:
    """The rule in words with its source: quorum and passing thresholds, law and article."""
    return _("%(name)s：出席人数须%(quorum)s，决定须经%(passes)s同意（%(law)s%(article)s）") % {
        "name": rule.name,
        "quorum": fraction(rule.quorum_strict, rule.quorum_num, rule.quorum_den),
        "passes": _("到会人员") + fraction(rule.pass_strict, rule.pass_num, rule.pass_den),
        "law": rule.law,
        "article": rule.article,
    }


def tally_line(motion) -> str:
    """赞成 a + 反对 b + 弃权 c = n，实到 p (and how it was counted)."""
    sheet = getattr(motion, "tally_sheet", None)  # reverse one-to-one: None when counted in the system
    how = sheet.get_method_display() if sheet else _("系统投票")
    counted = (motion.ayes or 0) + (motion.nays or 0) + (motion.abstentions or 0)
    return _("%(how)s：赞成 %(a)s + 反对 %(b)s + 弃权 %(c)s = %(n)s，实到 %(p)s，未表态 %(rest)s") % {
        "how": how,
        "a": motion.ayes or 0,
        "b": motion.nays or 0,
        "c": motion.abstentions or 0,
        "n": counted,
        "p": motion.present_count or 0,
        "rest": max((motion.present_count or 0) - counted, 0),
    }
