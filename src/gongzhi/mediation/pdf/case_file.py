"""The case file (卷宗) of a dispute as one PDF for the archive (人民调解法 Art. 27: registration,
work record and agreement are kept): a cover page (committee, case number, category, parties,
dates, outcome), then the registration (facts, 争议焦点, amounts, risk), every session record
(调解笔录), the outcome — the written agreement with its signatures and seal, the oral
agreement, the failure with the remedies explained, or the party's refusal —, the court's
司法确认 decision, the reports (报告公安/上报), the follow-ups and return visits, the list of
attachments and the journal. Parties' identifiers are masked like everywhere else; every page
carries the case number and its page number."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..choices import OutcomeKind
from ..transitions import WORKFLOW
from .agreement import agreement_sections
from .common import Styles, build, day, party_lines, signature_block


def _at(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user is not None else "—"


def _fields(st, rows):
    """A two-column table of (label, value) rows."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Table, TableStyle

    table = Table([[st.p(k), st.p(v if v not in (None, "") else "—")] for k, v in rows], colWidths=[38 * mm, 127 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    return table


def _cover(st, d, parties, mediators):
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Spacer

    outcome = d.get_outcome_display() if d.outcome else (_("当事人拒绝调解，终止") if d.termination_reason else "—")
    return [
        Spacer(1, 25 * mm),
        st.p(d.committee.name, st.centre),
        st.p(_("人民调解卷宗"), st.title),
        Spacer(1, 12 * mm),
        _fields(
            st,
            [
                (_("案件编号"), d.tracking_number),
                (_("纠纷名称"), d.title),
                (_("纠纷类型"), d.get_category_display()),
                (_("当事人"), "；".join(f"{x.get_role_display()} {x.name}" for x in parties)),
                (_("调解员"), "、".join(m.name for m in mediators)),
                (_("受理日期"), day(timezone.localtime(d.received_at).date(), "—")),
                (_("调结日期"), day(timezone.localtime(d.outcome_at).date() if d.outcome_at else None, "—")),
                (_("调解结果"), outcome),
                (_("结案日期"), day(timezone.localtime(d.closed_at).date() if d.closed_at else None, "—")),
                (_("归档日期"), day(timezone.localtime(d.archived_at).date() if d.archived_at else None, "—")),
                (_("案件状态"), WORKFLOW.label(d.status)),
            ],
        ),
        Spacer(1, 10 * mm),
        st.p(
            _("本卷宗内容保密（人民调解法第十五条），当事人身份证号、电话已脱敏；查阅和打印均记入审计日志。"), st.small
        ),
        PageBreak(),
    ]


def _registration(st, d, parties):
    rows = [
        (_("来源"), d.get_source_display() + (f" · {d.request.tracking_number}" if d.request_id else "")),
        (_("所在区域"), d.node.name),
        (_("登记时间"), _at(d.received_at)),
        (_("登记人"), _name(d.registered_by)),
        (
            _("调结期限"),
            day(d.time_limit, "—") + (f"（{d.extended_days} 日：{d.extension_reason}）" if d.extended_days else ""),
        ),
        (_("纠纷事实"), d.facts),
        (_("争议焦点"), d.issues),
        (_("涉及金额（元）"), "" if d.amount is None else str(d.amount)),
        (_("激化风险"), d.get_risk_display() + (f"：{d.risk_reason}" if d.risk_reason else "")),
    ]
    return [st.p(_("一、纠纷登记"), st.head), *party_lines(st, parties), _fields(st, rows)]


def _sessions(st, sessions, attachments):
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    out = [st.p(_("二、调解笔录"), st.head)]
    if not sessions:
        out.append(st.p(_("（无）")))
    for n, s in enumerate(sessions, 1):
        files = [a.original_name for a in attachments if a.session_id == s.pk]
        rows = [
            (_("时间"), _at(s.held_at)),
            (_("地点"), s.place),
            (_("参加人员"), s.attendees),
            (_("记录人"), _name(s.recorded_by)),
            (_("笔录"), s.record),
        ]
        if files:
            rows.append((_("附件"), "、".join(files)))
        out += [st.p(_("第 %(n)s 次调解") % {"n": n}), _fields(st, rows), Spacer(1, 3 * mm)]
    return out


def _outcome(st, d, parties, mediators, signatures):
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    out = [st.p(_("三、调解结果"), st.head)]
    if d.outcome == OutcomeKind.WRITTEN:
        out.append(st.p(_("达成书面调解协议（人民调解法第二十九条）。")))
        for heading, text in agreement_sections(d):
            out += [st.p(heading, st.head), st.p(text or "—")]
        out.append(
            st.p(
                _("协议生效日期：%(day)s") % {"day": day(d.effective_on, "—")}
                if d.effective_on
                else _("协议尚未生效（尚缺签署或盖章）。")
            )
        )
        out += [Spacer(1, 3 * mm), *signature_block(st, d, parties, mediators, signatures)]
    elif d.outcome == OutcomeKind.ORAL:
        out += [
            st.p(_("达成口头调解协议（人民调解法第二十八条），协议内容记录如下：")),
            st.p(d.terms or "—"),
            st.p(_("履行期限：%(day)s") % {"day": day(d.performance_deadline, "—")}),
        ]
        if d.agreed_amount is not None:
            out.append(st.p(_("协议金额：人民币 %(a)s 元") % {"a": d.agreed_amount}))
    elif d.outcome == OutcomeKind.FAILED:
        out += [
            st.p(_("调解不成。已告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）：")),
            st.p(d.remedies or "—"),
        ]
    elif d.termination_reason:
        refused = "、".join(x.name for x in parties if x.refused_at)
        out.append(
            st.p(
                _("当事人%(who)s拒绝调解，调解终止（人民调解法第十七条）：%(reason)s")
                % {"who": refused or "—", "reason": d.termination_reason}
            )
        )
    else:
        out.append(st.p(_("（尚无结果）")))
    return out


def _court_reports_followups(st, d, reports, follow_ups):
    out = [st.p(_("四、司法确认"), st.head)]
    if d.court_result:
        out.append(
            _fields(
                st,
                [
                    (_("人民法院"), d.court_name),
                    (_("裁定日期"), day(d.court_decided_on, "—")),
                    (_("裁定结果"), d.get_court_result_display()),
                    (_("裁定书文号"), d.court_number),
                ],
            )
        )
    else:
        out.append(st.p(_("（未记录司法确认）")))
    out.append(st.p(_("五、报告公安/上报"), st.head))
    out += [st.p(f"{_at(r.at)} → {r.to}：{r.content}") for r in reports] or [st.p(_("（无）"))]
    out.append(st.p(_("六、履行回访"), st.head))
    out += [st.p(f"{_at(f.at)} · {f.get_performance_display()}：{f.note}") for f in follow_ups] or [st.p(_("（无）"))]
    return out


def _attachments_and_journal(st, attachments, journal):
    out = [st.p(_("七、附件目录"), st.head)]
    out += [
        st.p(
            f"{n}. {a.get_kind_display()} · {a.original_name}"
            + (f"（{a.description}）" if a.description else "")
            + f" · {_at(a.uploaded_at)}"
        )
        for n, a in enumerate(attachments, 1)
    ] or [st.p(_("（无）"))]
    out.append(st.p(_("八、办理记录"), st.head))
    out += [
        st.p(
            f"{_at(e.at)} · {e.action_label or e.action} · {e.actor_name}" + (f"：{e.note}" if e.note else ""), st.small
        )
        for e in journal
    ]
    return out


def case_file_pdf(dispute) -> bytes:
    """The case file of `dispute` as PDF bytes (identifiers masked)."""
    d = dispute
    st = Styles()
    parties = list(d.parties.all())
    mediators = [a.mediator for a in d.assignments.select_related("mediator").order_by("-lead", "pk")]
    signatures = list(d.signatures.all())
    attachments = list(d.attachments.all())
    story = [
        *_cover(st, d, parties, mediators),
        *_registration(st, d, parties),
        *_sessions(st, list(d.sessions.select_related("recorded_by")), attachments),
        *_outcome(st, d, parties, mediators, signatures),
        *_court_reports_followups(st, d, list(d.reports.all()), list(d.follow_ups.all())),
        *_attachments_and_journal(st, attachments, list(d.journal.order_by("at", "pk"))),
    ]
    running = _("%(committee)s · 调解卷宗 %(number)s") % {"committee": d.committee.name, "number": d.tracking_number}

    def on_page(canvas, doc):
        from reportlab.lib.units import mm

        canvas.saveState()
        canvas.setFont(st.body.fontName, 8)
        canvas.drawString(20 * mm, 8 * mm, running)
        canvas.drawRightString(190 * mm, 8 * mm, _("第 %(n)s 页") % {"n": doc.page})
        canvas.restoreState()

    return build(story, title=_("人民调解卷宗 %(n)s") % {"n": d.tracking_number}, on_page=on_page)
