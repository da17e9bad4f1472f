"""民事民办 and 民事民评: tasks that carry out a matter, their milestones and progress, and
residents' ratings of the outcome. The matter moves to 实施中 with its first task and to 已办结
when every task is done (transitions.MATTER).

Owners: a task's owner is either a user of the platform (who is told in their inbox and may
then report progress, milestones and evidence on it) or an outside party named in `owner_name`
(a contractor, a volunteer team) whose progress the committee reports.

Milestones and progress: reaching milestones *suggests* a progress (`suggested_progress`, the
share of milestones reached) that the page offers beside the progress form, but never sets
it — milestones rarely weigh the same, and the owner answers for the figure they report. But
100 % means done: it is refused while any milestone is still open (a dropped step is reopened
or marked reached with a note, so the record says what became of it). Every progress report is
kept in the task's log (TaskReport)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gongzhi.core import audit, uploads
from gongzhi.core import services as core
from gongzhi.core.choices import AuditAction
from gongzhi.core.scoping import has_perm_at

from .. import eligibility
from ..choices import MatterStatus, TaskStatus
from ..models import Matter, Milestone, Rating, Task, TaskEvidence, TaskReport
from .matters import _move as move_matter

CAN_CARRY_OUT = (MatterStatus.DECIDED, MatterStatus.HANDLING, MatterStatus.CARRYING_OUT)


def add_task(matter, *, title, owner_name, owner=None, due=None, decision=None, reason="") -> Task:
    """Give part of a decided (or directly handled) matter to a responsible person."""
    if matter.status not in CAN_CARRY_OUT:
        raise ValidationError(_("议题处于“%(status)s”状态，尚不能安排实施") % {"status": matter.get_status_display()})
    if decision is not None and decision.matter_id != matter.pk:
        raise ValidationError({"decision": _("该决议不是就本议题作出的")})
    from ..permissions import VIEW_MATTER

    if owner is not None:
        if not owner.is_active or not has_perm_at(owner, VIEW_MATTER, matter.node.path):
            raise ValidationError({"owner": _("%(name)s 无权查看本议题，不能担任责任人") % {"name": _user_name(owner)}})
        owner_name = owner_name or _user_name(owner)
    if not (owner_name or "").strip():
        raise ValidationError({"owner_name": _("请填写责任人：选择平台用户，或填写外部责任单位/个人的名称")})
    with transaction.atomic():
        task = core.create(
            Task,
            matter=matter,
            decision=decision,
            title=title,
            owner=owner,
            owner_name=owner_name,
            due=due,
            reason=reason,
        )
        if matter.status != MatterStatus.CARRYING_OUT:
            move_matter(matter, MatterStatus.CARRYING_OUT, reason=f"安排实施任务：{title}")
        if owner is not None:
            _notify_owner(task, owner)
        return task


def _user_name(user) -> str:
    return user.get_full_name() or user.username


def _notify_owner(task, owner):
    """Tell the owner in their inbox (cases.inbox), once the task commits: the matter and the
    task, nothing more (the page holds the rest)."""
    from gongzhi.cases.choices import NotificationKind
    from gongzhi.cases.inbox import send_once
    from gongzhi.cases.models import Notification

    text = _("您被指定为「%(matter)s」的实施任务“%(task)s”的责任人，请在议题页面填报进展。") % {
        "matter": task.matter.title,
        "task": task.title,
    }
    row = Notification(user_id=owner.pk, kind=NotificationKind.DISPATCHED, text=text[:300], about=task.created_at)
    transaction.on_commit(lambda: send_once([row]))


def is_owner(user, task) -> bool:
    return bool(task.owner_id and task.owner_id == getattr(user, "pk", None))


def update_progress(task, progress: int, *, note="", expected_version=None) -> Task:
    """Report progress (0–100 %). At 100 % the task is done; when the matter's last task is
    done, the matter is 已办结."""
    if task.status == TaskStatus.DONE:
        raise ValidationError(_("任务已完成，不能再修改进度"))
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise ValidationError({"progress": _("进度须为 0–100 的整数")})
    changes = {"progress": progress}
    if progress == 100:
        changes.update(status=TaskStatus.DONE, done_at=timezone.now())
    with transaction.atomic():
        open_steps = list(
            task.milestones.filter(done_at__isnull=True).order_by("order").values_list("title", flat=True)
        )
        if progress == 100 and open_steps:
            raise ValidationError(
                {
                    "progress": _("还有 %(n)s 个节点未完成（%(titles)s），进度不能填报为 100%%")
                    % {
                        "n": len(open_steps),
                        "titles": "、".join(open_steps),
                    }
                }
            )
        task = core.update(task, changes, reason=note, expected_version=expected_version)
        user = audit.current().user
        TaskReport.objects.create(
            task=task,
            at=timezone.now(),
            by=user if getattr(user, "is_authenticated", False) else None,
            progress=progress,
            note=(note or "")[:200],
        )
        matter = Matter.objects.select_for_update(of=("self",)).select_related("node").get(pk=task.matter_id)
        if task.status == TaskStatus.DONE and not matter.tasks.exclude(status=TaskStatus.DONE).exists():
            move_matter(matter, MatterStatus.DONE, reason="全部实施任务已完成")
        return task


def _open_task(task):
    if task.status == TaskStatus.DONE:
        raise ValidationError(_("任务已完成，不能再修改节点"))


def add_milestone(task, *, title, due, reason="") -> Milestone:
    """Add a dated milestone at the end of an open task's list."""
    _open_task(task)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("请填写节点名称")})
    if due is None:
        raise ValidationError({"due": _("请填写节点时限")})
    if task.due and due > task.due:
        raise ValidationError(
            {"due": _("节点时限不能晚于任务完成时限 %(due)s") % {"due": format(task.due, "%Y-%m-%d")}}
        )
    with transaction.atomic():
        # Lock the task so two people adding at once do not take the same number.
        Task.objects.select_for_update().filter(pk=task.pk).exists()
        last = task.milestones.order_by("-order").values_list("order", flat=True).first() or 0
        return core.create(Milestone, task=task, order=last + 1, title=title, due=due, reason=reason)


def complete_milestone(milestone, *, note="", expected_version=None) -> Milestone:
    """Mark a milestone reached, now, by the acting user."""
    _open_task(milestone.task)
    if milestone.done_at is not None:
        raise ValidationError(_("节点“%(title)s”已完成") % {"title": milestone.title})
    user = audit.current().user
    by = user if getattr(user, "is_authenticated", False) else None
    return core.update(
        milestone, {"done_at": timezone.now(), "done_by": by}, reason=note, expected_version=expected_version
    )


def reopen_milestone(milestone, *, reason, expected_version=None) -> Milestone:
    """Undo a milestone marked reached by mistake (or found not reached); the reason is required
    and kept in the audit log with the old completion."""
    _open_task(milestone.task)
    if milestone.done_at is None:
        raise ValidationError(_("节点“%(title)s”尚未完成，无需重新打开") % {"title": milestone.title})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明重新打开节点的原因")})
    return core.update(
        milestone,
        {"done_at": None, "done_by": None},
        reason=reason,
        expected_version=expected_version,
        action=AuditAction.UPDATE,
    )


def suggested_progress(milestones) -> int | None:
    """The share of milestones reached, in whole per cent (rounded down, so it reads 100 only
    when all are reached); None without milestones. A suggestion only (see module doc)."""
    milestones = list(milestones)
    if not milestones:
        return None
    done = sum(1 for m in milestones if m.done_at is not None)
    return done * 100 // len(milestones)


def add_evidence(task, files, *, reason="") -> list[TaskEvidence]:
    """Attach evidence files to a task (photos, receipts, acceptance forms) — all or none:
    type and size are checked by core.uploads before anything is stored, and files already
    stored are removed if a later one fails."""
    files = uploads.check_files(files, sniff_images=True)
    if not files:
        raise ValidationError({"files": _("请选择要上传的佐证材料")})
    user = audit.current().user
    stored = []
    try:
        with transaction.atomic():
            rows = [uploads.attach(TaskEvidence(task=task), f, user, stored) for f in files]
            core.record(
                AuditAction.CREATE,
                task,
                after={"evidence": [r.original_name for r in rows]},
                reason=reason or "上传实施佐证材料",
                node_path=task.matter.node.path,
            )
            return rows
    except Exception:
        uploads.discard(stored)
        raise


def check_can_rate(matter):
    """Ratings are taken while the matter is done and its current round not yet published."""
    if matter.status != MatterStatus.DONE:
        raise ValidationError(_("议题办结后才能评议"))
    if matter.evaluated_round >= matter.evaluation_round:
        raise ValidationError(_("本轮评议结果已公开，评议已结束"))


def rating_refusal(matter, resident, score) -> str:
    """Why `resident` may not rate `matter` with `score` (empty: they may); shared by the
    on-line rating and each line of a paper evaluation list."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        return _("评分须为 1–5 的整数")
    if not resident.grid.path.startswith(matter.node.path):
        return _("%(name)s 不是%(place)s的居民，不能评议") % {"name": resident.name, "place": matter.node.name}
    if not eligibility.is_adult_on(resident.birth_date, timezone.localdate()):
        return _("%(name)s 未满%(age)s周岁，不能评议") % {"name": resident.name, "age": eligibility.ADULT_AGE}
    return ""


def rate(matter, resident, score: int, *, comment="", sheet=None) -> Rating:
    """A resident's evaluation of a done matter (民评), once per resident and round."""
    check_can_rate(matter)
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("评分须为 1–5 的整数")})
    refusal = rating_refusal(matter, resident, score)
    if refusal:
        raise ValidationError(refusal)
    with transaction.atomic():
        try:
            with transaction.atomic():
                rating = Rating.objects.create(
                    matter=matter,
                    resident=resident,
                    score=score,
                    comment=comment,
                    at=timezone.now(),
                    round=matter.evaluation_round,
                    sheet=sheet,
                )
        except IntegrityError:
            raise ValidationError(_("%(name)s 已评议过该议题") % {"name": resident.name}) from None
        core.record(
            AuditAction.CREATE,
            rating,
            after={"matter": matter.pk, "resident": resident.pk, "score": score, "round": rating.round},
            node_path=matter.node.path,
        )
        return rating
