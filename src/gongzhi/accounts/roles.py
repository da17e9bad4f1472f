"""The seeded roles and their permissions. Roles are data: administrators may add roles or
change these; seeding creates missing roles and adds permissions listed here that a role lacks
(it never removes a permission an administrator granted)."""

VIEW_TERRITORY = ["territory.view_node", "territory.view_building", "territory.view_unit"]
EDIT_TERRITORY = [
    "territory.add_building",
    "territory.change_building",
    "territory.delete_building",
    "territory.add_unit",
    "territory.change_unit",
    "territory.delete_unit",
]
VIEW_REGISTRY = ["registry.view_household", "registry.view_resident", "registry.view_tag", "registry.view_residentmove"]
EDIT_REGISTRY = [
    "registry.add_household",
    "registry.change_household",
    "registry.delete_household",
    "registry.add_resident",
    "registry.change_resident",
    "registry.delete_resident",
]

VIEW_CONSULTATION = [
    "consultation.view_body",
    "consultation.view_bodymember",
    "consultation.view_bodyrule",
    "consultation.view_matter",
    "consultation.view_meeting",
    "consultation.view_decision",
    "consultation.view_draft",
]
RUN_CONSULTATION = [
    "consultation.add_body",
    "consultation.change_body",
    "consultation.add_bodymember",
    "consultation.change_bodymember",
    "consultation.add_matter",
    "consultation.change_matter",
    "consultation.triage_matter",
    "consultation.add_meeting",
    "consultation.change_meeting",
    "consultation.run_meeting",
    "consultation.add_decision",
    "consultation.view_ballotcast",
    "consultation.add_task",
    "consultation.change_task",
    "consultation.add_disclosureentry",
    "consultation.add_matterworkflow",
    "consultation.add_stepcompletion",
    "consultation.add_draft",
    "consultation.change_draft",
    "consultation.answer_comment",
]

SEEDED_ROLES = {
    "admin": ("系统管理员", "全部权限（含敏感信息和完整号码），管理区划、角色和用户", "__all__"),
    "town": (
        "街道/镇干部",
        "管理辖区内的区划、楼栋、单位、住户和居民，可导入导出、查看完整号码",
        [
            *VIEW_TERRITORY,
            *EDIT_TERRITORY,
            "territory.add_node",
            "territory.change_node",
            *VIEW_REGISTRY,
            *EDIT_REGISTRY,
            "registry.export_resident",
            "registry.import_resident",
            "registry.unmask_pii",
            "core.view_auditentry",
            *VIEW_CONSULTATION,
            *RUN_CONSULTATION,
        ],
    ),
    "community": (
        "社区工作人员",
        "管理本社区的楼栋、单位、住户和居民，可导入导出",
        [
            *VIEW_TERRITORY,
            *EDIT_TERRITORY,
            *VIEW_REGISTRY,
            *EDIT_REGISTRY,
            "registry.export_resident",
            "registry.import_resident",
            "core.view_auditentry",
            *VIEW_CONSULTATION,
            *RUN_CONSULTATION,
        ],
    ),
    "grid": (
        "网格员",
        "采集和维护本网格的楼栋、住户和居民信息，可导出本网格",
        [
            *VIEW_TERRITORY,
            *EDIT_TERRITORY,
            *VIEW_REGISTRY,
            *EDIT_REGISTRY,
            "registry.export_resident",
            *VIEW_CONSULTATION,
        ],
    ),
    # No registry reads: a department sees only the residents and households its assigned
    # requests refer to, masked, on the request page (requests/referenced.py). Existing
    # databases lose the old reads by migration servicerequests 0004 (seeding never removes).
    "department": (
        "职能部门",
        "查看服务区域内的楼栋和单位；承办派给本单位的诉求，只能看到诉求涉及的居民和住户（号码脱敏）",
        [*VIEW_TERRITORY],
    ),
    "supervisor": (
        "监督员（村务监督委员会）",
        "只读查看辖区数据和审计日志",
        [*VIEW_TERRITORY, *VIEW_REGISTRY, "core.view_auditentry", *VIEW_CONSULTATION, "consultation.view_ballotcast"],
    ),
    "resident": (
        "居民",
        "查看和办理与本人有关的事项",
        [
            "consultation.view_body",
            "consultation.view_matter",
            "consultation.view_meeting",
            "consultation.view_decision",
            "consultation.add_matter",
            "consultation.add_support",
            "consultation.add_rating",
            "consultation.view_draft",
            "consultation.add_comment",
        ],
    ),
    "sensitive": (
        "敏感信息授权（特殊群体关照员）",
        "在授权区域内查看带敏感标签的人员；每次查看均记入审计日志",
        ["registry.view_sensitive", "registry.view_resident", "registry.view_household"],
    ),
}


def seed_roles(verbosity=0, **kwargs):
    """Create the seeded roles and add their listed permissions (idempotent)."""
    from django.contrib.auth.models import Permission

    from .models import Role

    all_perms = {
        f"{p.content_type.app_label}.{p.codename}": p for p in Permission.objects.select_related("content_type")
    }
    for slug, (name, description, perms) in SEEDED_ROLES.items():
        role, _ = Role.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})
        wanted = list(all_perms.values()) if perms == "__all__" else [all_perms[p] for p in perms if p in all_perms]
        have = set(role.permissions.values_list("pk", flat=True))
        missing = [p for p in wanted if p.pk not in have]
        if missing:
            role.permissions.add(*missing)


# 政社互动 (compact): appended to the seeded roles. The town publishes lists, signs agreements,
# overrides (recorded as red cards), rules on red cards and runs evaluation rounds; a community
# handles its tasks, shows red cards and scores departments; a department assigns through the
# gate, reviews its own tasks and scores communities; the supervisor reads.
COMPACT_READ = [
    "compact.view_dutylist",
    "compact.view_dutyitem",
    "compact.view_assistancelist",
    "compact.view_assistanceitem",
    "compact.view_restrictionlist",
    "compact.view_restrictionitem",
    "compact.view_compactagreement",
    "compact.view_agreementitem",
    "compact.view_evaluationround",
    "compact.view_criterion",
    "compact.view_published_score",
]
COMPACT_PERMISSIONS = {
    "town": [
        *COMPACT_READ,
        "compact.add_dutylist",
        "compact.change_dutylist",
        "compact.add_assistancelist",
        "compact.change_assistancelist",
        "compact.add_restrictionlist",
        "compact.change_restrictionlist",
        "compact.add_compactagreement",
        "compact.change_compactagreement",
        "compact.view_taskassignment",
        "compact.view_communitytask",
        "compact.view_evidencefile",
        "compact.view_redcard",
        "compact.rule_redcard",
        "compact.override_assignment",
        "compact.view_gaterefusal",
        "compact.manage_round",
        "compact.view_score",
        "compact.score_as_town",
        "compact.view_burden_report",
    ],
    "community": [
        *COMPACT_READ,
        "compact.view_communitytask",
        "compact.view_evidencefile",
        "compact.handle_communitytask",
        "compact.view_redcard",
        "compact.score_as_community",
        "compact.view_burden_report",
    ],
    "department": [
        *COMPACT_READ,
        "compact.assign_task",
        "compact.view_department_tasks",
        "compact.review_communitytask",
        "compact.score_as_department",
    ],
    "supervisor": [
        *COMPACT_READ,
        "compact.view_taskassignment",
        "compact.view_communitytask",
        "compact.view_evidencefile",
        "compact.view_redcard",
        "compact.view_burden_report",
    ],
}
for _slug, _perms in COMPACT_PERMISSIONS.items():
    SEEDED_ROLES[_slug][2].extend(p for p in _perms if p not in SEEDED_ROLES[_slug][2])


# 诉求办理 (service requests on the case engine): appended to the seeded roles. The town and
# its dispatchers dispatch and decide extensions; departments see and handle only what is
# assigned to their organisation; a community committee may be an assignee too; grid workers
# and hotline operators file; supervisors 督办 overdue requests; return visits are made by a
# role independent of every handling organisation.
REQUESTS_VIEW = ["servicerequests.view_servicerequest", "servicerequests.view_category"]
REQUESTS_FILE = [*REQUESTS_VIEW, "servicerequests.add_servicerequest"]
REQUESTS_PERMISSIONS = {
    "town": [
        *REQUESTS_FILE,
        "servicerequests.dispatch_servicerequest",
        "servicerequests.supervise_servicerequest",
        "servicerequests.add_category",
        "servicerequests.change_category",
    ],
    "community": [*REQUESTS_FILE, "servicerequests.handle_servicerequest"],
    "grid": [*REQUESTS_FILE],
    "department": [
        "servicerequests.view_assigned",
        "servicerequests.view_category",
        "servicerequests.handle_servicerequest",
    ],
    "supervisor": [*REQUESTS_VIEW, "servicerequests.supervise_servicerequest"],
}
for _slug, _perms in REQUESTS_PERMISSIONS.items():
    SEEDED_ROLES[_slug][2].extend(p for p in _perms if p not in SEEDED_ROLES[_slug][2])
# 联系来电人: the roles whose job is calling citizens back may reveal a requester's number,
# one request at a time, with a stated purpose, audited (requests/contact.py); the handling
# organisation may too, by being the assignee, not by a role permission.
CONTACT = "servicerequests.contact_requester"
SEEDED_ROLES.update(
    {
        "dispatcher": (
            "派单员",
            "受理、派单、审批延期、合并重复件、督办超期诉求（辖区内）；联系来电人",
            [
                *VIEW_TERRITORY,
                *REQUESTS_FILE,
                "servicerequests.dispatch_servicerequest",
                "servicerequests.supervise_servicerequest",
                CONTACT,
            ],
        ),
        "hotline": (
            "热线接线员",
            "登记来电诉求，查看辖区内诉求（号码脱敏）；联系来电人",
            [*VIEW_TERRITORY, *REQUESTS_FILE, CONTACT],
        ),
        "visitor": (
            "回访员",
            "对已办结诉求回访群众，独立于承办单位；联系来电人",
            [*REQUESTS_VIEW, "servicerequests.visit_servicerequest", CONTACT],
        ),
    }
)


# 人民调解 (mediation on the case engine): appended to the seeded roles. Contents are
# confidential (人民调解法 Art. 15): the town and the community read the disputes of their
# territory, run the daily review and manage committees and mediators; a mediator reads only
# the disputes they are on and their committee's (mediation/selectors.py); a committee's
# director (调委会主任) assigns, stamps and closes; grid workers report (register) disputes
# without reading them back; departments, supervisors and residents see none.
MEDIATION_READ = ["mediation.view_dispute", "mediation.view_committee", "mediation.view_mediator"]
MEDIATION_RUN = [
    *MEDIATION_READ,
    "mediation.add_dispute",
    "mediation.assign_dispute",
    "mediation.mediate_dispute",
    "mediation.review_dispute",
    "mediation.export_dispute",
]
MEDIATION_PERMISSIONS = {
    "town": [
        *MEDIATION_RUN,
        "mediation.add_committee",
        "mediation.change_committee",
        "mediation.add_mediator",
        "mediation.change_mediator",
    ],
    "community": [*MEDIATION_RUN, "mediation.add_mediator", "mediation.change_mediator"],
    "grid": ["mediation.add_dispute"],
    # 转人民调解: the dispatcher routes a request to the committee (registers, reads nothing).
    "dispatcher": ["mediation.add_dispute"],
}
for _slug, _perms in MEDIATION_PERMISSIONS.items():
    SEEDED_ROLES[_slug][2].extend(p for p in _perms if p not in SEEDED_ROLES[_slug][2])
SEEDED_ROLES.update(
    {
        "mediator": (
            "人民调解员",
            "调解指派给本人的纠纷和本调委会的纠纷：笔录、协议、签署、回访、上报；看不到其他纠纷",
            ["mediation.mediate_dispute", "mediation.view_mediator"],
        ),
        "mediation_committee": (
            "调委会主任",
            "登记、指派调解员、延期、盖章、结案、每日研判（辖区内）",
            [*MEDIATION_RUN, "mediation.add_mediator", "mediation.change_mediator"],
        ),
    }
)
