"""Template context: the left menu by task, built from what the user may do.

The menu is sections of entries (URL name, label, permissions); an entry shows when the user
holds any of its permissions anywhere, a URL appears once (the first entry that matches wins),
and a section with nothing to show is left out. Every URL name here must resolve
(tests/core/test_views.py checks)."""

from django.utils.translation import gettext_lazy as _

MENU = [
    (
        _("人口与区划"),
        [
            ("home", _("我的网格"), ("registry.view_resident",)),
            ("registry:resident_list", _("居民"), ("registry.view_resident",)),
            ("registry:household_list", _("住户"), ("registry.view_household",)),
            ("territory:building_list", _("楼栋"), ("territory.view_building",)),
            ("territory:unit_list", _("单位"), ("territory.view_unit",)),
            ("territory:node_list", _("区划与网格"), ("territory.view_node",)),
            ("registry_import:page", _("导入居民"), ("registry.import_resident",)),
        ],
    ),
    (
        _("诉求办理"),
        [
            # A department sees the requests assigned to it only.
            ("requests_staff:dispatch_queue", _("待派单诉求"), ("servicerequests.dispatch_servicerequest",)),
            ("requests_staff:my_queue", _("本单位承办诉求"), ("servicerequests.handle_servicerequest",)),
            ("requests_staff:list", _("辖区诉求"), ("servicerequests.view_servicerequest",)),
            ("requests_staff:overdue", _("超期督办"), ("servicerequests.supervise_servicerequest",)),
            ("requests_staff:file_field", _("现场上报诉求"), ("servicerequests.add_servicerequest",)),
            ("requests_staff:file_hotline", _("热线来电登记"), ("servicerequests.add_servicerequest",)),
            (
                "requests_staff:inbox",
                _("站内通知"),
                ("servicerequests.view_servicerequest", "servicerequests.view_assigned"),
            ),
            (
                "requests_staff:stats",
                _("诉求统计"),
                ("servicerequests.view_servicerequest", "servicerequests.view_assigned"),
            ),
        ],
    ),
    (
        _("协商议事"),
        [
            ("consultation:matter_list", _("议题"), ("consultation.view_matter",)),
            ("consultation:meeting_list", _("会议"), ("consultation.view_meeting",)),
            ("consultation:decision_list", _("决议"), ("consultation.view_decision",)),
            ("consultation:body_list", _("议事机构"), ("consultation.view_body",)),
            ("consultation:draft_list", _("征求意见"), ("consultation.view_draft",)),
            ("consultation:board_index", _("公开栏"), ("consultation.add_disclosureentry",)),
        ],
    ),
    (
        _("政社互动"),
        [
            ("compact:lists", _("事项清单"), ("compact.view_assistancelist",)),
            ("compact:agreement_list", _("协助管理协议"), ("compact.view_compactagreement",)),
            # A department sees the tasks it assigned, under its own label.
            ("compact:task_list", _("社区任务"), ("compact.view_communitytask",)),
            ("compact:task_list", _("本部门派发的任务"), ("compact.view_department_tasks",)),
            ("compact:redcard_list", _("红牌"), ("compact.view_redcard",)),
            ("compact:round_list", _("双向评估"), ("compact.view_evaluationround",)),
            ("compact:burden", _("减负报告"), ("compact.view_burden_report",)),
        ],
    ),
    (
        _("监督"),
        [
            ("core:audit_list", _("审计日志"), ("core.view_auditentry",)),
        ],
    ),
]


def navigation(request):
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from gongzhi.accounts.scoping import has_perm_anywhere

    menu, seen = [], set()
    for section, entries in MENU:
        items = []
        for url, label, perms in entries:
            if url not in seen and any(has_perm_anywhere(user, p) for p in perms):
                seen.add(url)
                items.append((url, label))
        if items:
            menu.append((section, items))
    return {"nav_menu": menu}
