"""The printable text of a version of the rules (reportlab through core/pdf.py): title, the
version and how it was adopted, then every article. Printing is logged like an export."""

from django.utils.translation import gettext as _

from gongzhi.core import pdf
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction


def version_pdf(version) -> bytes:
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    font = pdf.cid_font()
    st = pdf.styles(font)
    document = version.document
    if version.decision_id:
        adopted = _("%(day)s 经%(body)s表决通过") % {
            "day": f"{version.adopted_on:%Y年%m月%d日}",
            "body": version.decision.body.name,
        }
    elif version.adopted_on:
        adopted = f"{version.adopted_on:%Y年%m月%d日} {version.basis}"
    else:
        adopted = _("草案，尚未通过")
    story = [
        pdf.para(document.title, st["title"]),
        pdf.para(
            _("%(place)s · 第 %(n)s 版 · %(adopted)s")
            % {"place": document.node.name, "n": version.number, "adopted": adopted},
            st["center"],
        ),
        Spacer(1, 6 * mm),
    ]
    for article in version.articles.all():
        head = _("第 %(n)s 条") % {"n": article.number}
        if article.title:
            head = f"{head} {article.title}"
        story.append(pdf.para(f"{head}　{article.text}", st["body"]))
        story.append(Spacer(1, 2 * mm))
    return pdf.build(story, title=document.title)


def version_response(version):
    content = version_pdf(version)
    core.record(AuditAction.EXPORT, version, reason=_("打印村规民约"))
    return pdf.response(content, f"{version.document.title}_第{version.number}版.pdf")
