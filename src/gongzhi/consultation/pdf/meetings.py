"""The meeting's documents: notice, sign-in sheet, minutes."""

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import pdf
from gongzhi.registry.choices import Status
from gongzhi.registry.models import Resident

from .. import eligibility, rules
from ..choices import Constituency, MotionStatus
from .common import committee, day, kit, rule_sentence, tally_line, who_attends


def _mm():
    from reportlab.lib.units import mm

    return mm


def notice_pdf(meeting) -> bytes:
    """会议通知: when and where, the agenda, who attends, the legal quorum, the notice period."""
    from reportlab.platypus import Spacer

    mm = _mm()
    style, p = kit()
    body, rule = meeting.body, meeting.body.rule
    agenda = list(meeting.agenda.order_by("order"))
    story = [
        p(_("会议通知"), "title"),
        Spacer(1, 4 * mm),
        p(
            _("经研究，定于 %(day)s 在 %(place)s 召开%(title)s（%(body)s）。现将有关事项通知如下：")
            % {
                "day": day(meeting.date),
                "place": meeting.location or _("另行通知的地点"),
                "title": meeting.title,
                "body": body.name,
            }
        ),
        p(_("一、会议议程"), "head"),
    ]
    story += [p(f"{a.order}. {a.title}") for a in agenda] or [p(_("（议程另行公布）"))]
    story += [
        p(_("二、参加人员"), "head"),
        p(who_attends(body)),
        p(_("三、法定人数"), "head"),
        p(rule_sentence(rule)),
    ]
    if rule.notice_days:
        story.append(
            p(
                _("依照%(law)s%(article)s，会议须提前 %(days)s 天通知。")
                % {"law": rule.law, "article": rule.article, "days": rule.notice_days}
            )
        )
    story += [
        Spacer(1, 4 * mm),
        p(_("请准时参加。因故不能参加的，请提前告知。")),
        Spacer(1, 10 * mm),
        p(committee(meeting.node), "right"),
        p(day(meeting.notice_at), "right"),
    ]
    if meeting.notice_entry_id:
        story.append(p(_("本通知已在公开栏公开（第 %(n)s 条）") % {"n": meeting.notice_entry.seq}, "small"))
    return pdf.build(story, title=_("会议通知：%(t)s") % {"t": meeting.title})


def _roll(meeting):
    """Every voting unit of the meeting's constituency on the meeting date, in order, as
    (columns, key); the key matches an Attendance row (resident, household or member)."""
    body, day_ = meeting.body, meeting.date
    if body.constituency == Constituency.HOUSEHOLDS:
        adults = Resident.objects.filter(status=Status.ACTIVE, birth_date__lte=eligibility.adult_cutoff(day_)).order_by(
            "pk"
        )
        households = (
            eligibility.households_of(body.node, day_)
            .select_related("building", "head")
            .prefetch_related(Prefetch("members", adults, to_attr="adults"))
            .order_by("number", "pk")
        )
        for h in households:
            head = h.head if h.head_id and any(r.pk == h.head_id for r in h.adults) else (h.adults or [None])[0]
            yield [h.number, h.place(), head.name if head else ""], ("household", h.pk)
    elif body.constituency == Constituency.ADULTS:
        for r in eligibility.adults_of(body.node, day_).select_related("household__building").order_by("name_pinyin"):
            yield [r.name, r.household.place() if r.household_id else ""], ("resident", r.pk)
    else:
        for m in body.members.active_on(day_).select_related("resident").order_by("resident__name_pinyin"):
            yield [m.resident.name, m.get_role_display()], ("member", m.pk)


def sign_in_sheet_pdf(meeting) -> bytes:
    """签到表: everyone entitled to attend, with a blank column to sign on paper; those already
    signed in electronically are marked in the remarks."""
    from reportlab.platypus import Spacer

    mm = _mm()
    style, p = kit()
    body = meeting.body
    signed = {}
    for a in meeting.attendance.select_related("resident"):
        when = timezone.localtime(a.signed_at).strftime("%H:%M")
        note = _("已签到 %(t)s") % {"t": when}
        signed[("resident", a.resident_id)] = note
        if a.household_id:
            signed[("household", a.household_id)] = _("%(name)s 已签到 %(t)s") % {"name": a.resident.name, "t": when}
        if a.member_id:
            signed[("member", a.member_id)] = note
    if body.constituency == Constituency.HOUSEHOLDS:
        head, widths = [_("户号"), _("住址"), _("户主")], [28, 42, 24]
    elif body.constituency == Constituency.ADULTS:
        head, widths = [_("姓名"), _("住址")], [30, 64]
    else:
        head, widths = [_("姓名"), _("职务")], [34, 60]
    rows = [[p(_("序号"))] + [p(h) for h in head] + [p(_("签名")), p(_("备注"))]]
    for n, (cells, key) in enumerate(_roll(meeting), start=1):
        rows.append([p(str(n))] + [p(c) for c in cells] + ["", p(signed.get(key, ""), "small")])
    eligible = len(rows) - 1
    table = pdf.ruled_table(
        rows,
        [12 * mm] + [w * mm for w in widths] + [38 * mm, 26 * mm],
        row_heights=[8 * mm] + [10 * mm] * eligible,
        header_rows=1,
    )
    story = [
        p(_("%(title)s签到表") % {"title": meeting.title}, "title"),
        p(
            _("%(body)s · %(day)s · %(place)s")
            % {"body": body.name, "day": day(meeting.date), "place": meeting.location or "—"},
            "center",
        ),
        p(
            _("应到 %(n)s（%(who)s，按会议日期计算） · 实到 ______") % {"n": eligible, "who": who_attends(body)},
            "center",
        ),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 4 * mm),
        p(_("户代表须为本户年满十八周岁的成员，每户一人。") if body.constituency == Constituency.HOUSEHOLDS else ""),
        p(_("签到工作人员：__________　　监督人：__________")),
    ]
    return pdf.build(story, title=_("签到表：%(t)s") % {"t": meeting.title})


def minutes_pdf(meeting) -> bytes:
    """会议记录: the meeting's facts, attendance with the quorum arithmetic, the agenda, each
    motion's count with its arithmetic (totals only), decisions, and the minutes as written."""
    from reportlab.platypus import Spacer

    mm = _mm()
    style, p = kit()
    body, rule = meeting.body, meeting.body.rule
    attendance = list(meeting.attendance.select_related("resident", "household").order_by("signed_at", "id"))
    eligible = meeting.eligible_count
    if eligible is None:
        eligible = eligibility.constituency_count(body, meeting.date)
    quorum = rules.quorum(rule, present=len(attendance), eligible=eligible)
    notice = rules.notice(rule, notice_date=timezone.localtime(meeting.notice_at).date(), meeting_date=meeting.date)
    facts = [
        (_("会议名称"), meeting.title),
        (_("议事机构"), body.name),
        (_("会议日期"), day(meeting.date)),
        (
            _("开会时间"),
            "—"
            if not meeting.opened_at
            else f"{timezone.localtime(meeting.opened_at):%H:%M}"
            + (f" — {timezone.localtime(meeting.closed_at):%H:%M}" if meeting.closed_at else ""),
        ),
        (_("地点"), meeting.location or "—"),
        (_("通知"), _("%(day)s 通知；%(check)s") % {"day": day(meeting.notice_at), "check": notice.text}),
        (_("应到"), str(eligible)),
        (_("实到"), str(len(attendance))),
        (_("法定人数"), quorum.text),
        (_("依据"), rule_sentence(rule)),
    ]
    table = pdf.ruled_table([[p(k), p(v)] for k, v in facts], [30 * mm, 140 * mm])
    story = [p(_("会议记录"), "title"), Spacer(1, 3 * mm), table, p(_("出席人员"), "head")]
    if body.constituency == Constituency.HOUSEHOLDS:
        names = [f"{a.household.number if a.household_id else ''} {a.resident.name}".strip() for a in attendance]
    else:
        names = [a.resident.name for a in attendance]
    story.append(p("、".join(names) or _("无")))
    story.append(p(_("议程"), "head"))
    story += [p(f"{a.order}. {a.title}") for a in meeting.agenda.order_by("order")] or [p(_("无"))]
    story.append(p(_("表决"), "head"))
    motions = list(meeting.motions.select_related("tally_sheet", "decision", "rule").order_by("id"))
    for n, m in enumerate(motions, start=1):
        kind = _("无记名投票") if m.secret else _("记名表决")
        story.append(p(_("（%(n)s）%(text)s（%(kind)s）") % {"n": n, "text": m.text, "kind": kind}))
        if m.status != MotionStatus.CLOSED:
            story.append(p(_("未表决"), "small"))
            continue
        story.append(p(tally_line(m)))
        story.append(p(_("结果：%(r)s【%(o)s】") % {"r": m.result_text, "o": _("通过") if m.passed else _("未通过")}))
        decision = getattr(m, "decision", None)
        if decision is not None:
            story.append(p(_("形成决议：%(t)s（%(o)s）") % {"t": decision.text, "o": decision.get_outcome_display()}))
    if not motions:
        story.append(p(_("无")))
    story += [
        p(_("会议记录"), "head"),
        p(meeting.minutes or "—"),
        Spacer(1, 10 * mm),
        p(_("主持人（签名）：__________　　记录人（签名）：__________　　监督人（签名）：__________")),
    ]
    return pdf.build(story, title=_("会议记录：%(t)s") % {"t": meeting.title})
