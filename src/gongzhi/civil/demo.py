"""Civil demo data for `gongzhi demo` (after consultation's councils): in the first community
with a council, its 居民公约 — the first version in force since 2019, a second adopted by the
council on a matter and published on the board with its changes —, one application log entry,
and a major matter (加装电梯) whose risk assessment is filed, so its vote may open."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from gongzhi.consultation import services as consultation
from gongzhi.consultation.models import Body
from gongzhi.core import audit

from . import services
from .choices import Conclusion, DocumentKind

BEIJING = dt.timezone(dt.timedelta(hours=8))
ARTICLES = [
    "居民应爱护公共设施，不得损坏绿化、路灯和健身器材。",
    "生活垃圾分类投放，定时定点，不得乱扔乱倒。",
    "晚上十点后不得在广场使用扩音设备。",
    "文明养犬，出户须牵绳，及时清理犬只粪便。",
    "邻里之间互谅互让，发生纠纷先行协商，协商不成可申请人民调解。",
    "不得在楼道、消防通道堆放杂物。",
]


def _at(day, hour=9):
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=BEIJING)


def _vote(body, people, day, matter, text):
    """A past meeting of `body` that votes `matter` through; returns the decision."""
    meeting = consultation.schedule_meeting(
        body=body, title=f"{body.name}会议", date=day, notice_at=_at(day - dt.timedelta(days=12))
    )
    for person in people:
        consultation.sign_in(meeting, person)
    meeting = consultation.open_meeting(meeting)
    item = consultation.add_agenda_item(meeting, matter=matter)
    motion = consultation.open_motion(consultation.propose_motion(meeting, text=text, agenda_item=item))
    for i, person in enumerate(people):
        consultation.cast_ballot(motion, person, "for" if i % 6 else "against")
    consultation.close_motion(motion)
    decision = consultation.record_decision(motion)
    consultation.close_meeting(meeting, minutes=f"表决结果：{decision.result_text}")
    return decision


def build_civil(town):
    council = Body.objects.filter(kind="council", active=True).select_related("node").order_by("id").first()
    if council is None:
        return
    node = council.node
    today = timezone.localdate()
    members = [m.resident for m in council.members.select_related("resident").order_by("id")]
    staff = get_user_model().objects.filter(username="chenshuji").first()
    with audit.acting(user=staff, source="system"):
        document = services.create_document(
            node=node,
            kind=DocumentKind.COVENANT,
            title=f"{node.name}居民公约",
            articles=ARTICLES,
            adopted_on=dt.date(2019, 5, 20),
            basis="2019年5月居民会议通过",
        )
        matter = consultation.triage(
            consultation.raise_matter(
                node=node,
                title="修订居民公约（电动车充电、文明养犬）",
                source="committee",
                description="增加电动车不得入户充电的条款，细化文明养犬的要求。",
            ),
            "council",
            body=council,
            reason="居民公约修订交议事会协商",
        )
        version = services.start_revision(document, summary="增加电动车充电安全条款，细化文明养犬要求", matter=matter)
        services.set_article(
            version, number=4, text="文明养犬，出户须牵绳并佩戴犬牌，及时清理犬只粪便；大型犬不得进入儿童游乐区。"
        )
        services.set_article(
            version, number=7, title="电动车充电", text="电动自行车不得进楼入户充电，应在小区集中充电点充电。"
        )
        quorum = len(members) * 2 // 3 + 2
        _vote(council, members[:quorum], today - dt.timedelta(days=9), matter, "通过居民公约修订稿")
        services.publish_version(services.adopt_version(version))
        services.record_application(
            document=document,
            article_number=6,
            occurred_on=today - dt.timedelta(days=3),
            resident=members[-1],
            facts="在三号楼楼道堆放旧家具，堵塞消防通道。",
            handling="网格员上门劝导，当日清理完毕；在楼道张贴提醒。",
        )
        major = consultation.triage(
            consultation.raise_matter(
                node=node,
                title="老旧小区加装电梯与停车位调整方案",
                source="committee",
                major=True,
                description="三栋多层住宅加装电梯，占用部分停车位，需调整停车方案。",
            ),
            "council",
            body=council,
            reason="涉及低层住户和车主利益，属重大事项，先稳评后表决",
        )
        assessment = services.create_assessment(
            major,
            risk_points="一、二层住户担心采光和噪音；占用停车位引发车主不满；费用分摊争议。",
            affected_groups="一、二层住户；有车住户；高龄和行动不便的居民。",
            opinions="发放问卷 212 份，收回 196 份，赞成 81%；召开听证会 1 次，32 名居民代表发言。",
            opinion_links="",
            measures="按楼层分摊费用并设低层补偿；在小区东侧新增 20 个停车位；施工避开午休时段。",
            conclusion=Conclusion.MEDIUM,
        )
        if staff is not None:
            services.file_assessment(assessment)
