"""Service requests (诉求/工单) on the case engine, their configurable categories and photos."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongzhi.cases.models import Case, CaseQuerySet
from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import scope_q

from . import permissions as perms
from . import validation as v
from .choices import Channel, RequestKind, Visibility


class Category(TrackedModel):
    """A kind of problem residents report (路灯损坏, 噪声扰民 …): who handles it by default, in
    how many working days, the extension and wrong-assignment windows (set locally, e.g.
    Shandong: 5 days, +10 extension, return within 2 working days), its Open311
    service_code, and whether its requests may be shown to the public (`visibility`; private
    unless chosen otherwise, see `requests/public.py`). Inactive categories are kept for
    history but offered to nobody."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("诉求类型"), max_length=12, choices=RequestKind.choices, default=RequestKind.HELP)
    default_assignee = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("默认承办单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deadline_days = models.PositiveSmallIntegerField(
        _("办结时限（工作日）"), default=5, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    max_extension_days = models.PositiveSmallIntegerField(
        _("最多可延期（工作日）"), default=10, validators=[MaxValueValidator(365)]
    )
    return_window_days = models.PositiveSmallIntegerField(
        _("退回时限（工作日）"),
        default=2,
        validators=[MaxValueValidator(30)],
        help_text=_("派单后多少个工作日内承办单位可以退回错派件"),
    )
    service_code = models.CharField(_("Open311 服务代码"), max_length=40, unique=True)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    # Deny by default: a category made without a choice stays out of every public channel.
    visibility = models.CharField(
        _("公开范围"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
        help_text=_(
            "不公开：求助、健康、家庭和邻里纠纷等涉及具体个人的分类，其诉求不出现在任何公开渠道。"
            "公开：诉求可出现在 Open311 等公开渠道，但坐标模糊到约 100 米，地址只显示到道路。"
        ),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求分类")
        verbose_name_plural = _("诉求分类")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceRequestQuerySet(CaseQuerySet):
    """Scoping of service requests (deny by default):
    - `servicerequests.view_servicerequest` on a node shows the requests located in its
      subtree (town, dispatcher, community, grid worker, supervisor, visitor);
    - `servicerequests.view_assigned` shows only requests assigned to the user's own
      organisation, in the nodes where it is held (departments)."""

    def visible_to(self, user, perm=None):
        return self.filter(visible_q(user, perm))


def visible_q(user, perm=None) -> Q:
    """The requests `user` may see (`perm`: view by default), as a filter on `node` and
    `assignee`: the one scope of the requests and of their statistics' figures
    (RequestFigures, which carries both fields), so the two cannot drift apart.
    - `servicerequests.view_servicerequest` on a node: the requests located in its subtree;
    - `servicerequests.view_assigned`: only those assigned to the user's own organisation, in
      the nodes where it is held (departments)."""
    perm = perm or perms.VIEW
    q = scope_q(user, perm, "node__path")
    org = getattr(user, "organisation_id", None)
    if org is not None and perm == perms.VIEW:
        q |= scope_q(user, perms.VIEW_ASSIGNED, "node__path") & Q(assignee_id=org)
    return q


class ServiceRequest(Case):
    """A citizen's request: what (kind, category, description), where (grid, building,
    household or resident of the registry; or a map point; or an address), who asked
    (requester name and phone — masked in lists like the registry), how it came in (channel),
    and the handling state the transition table moves it through (a pending extension, a
    link to the request it duplicates)."""

    kind = models.CharField(_("诉求类型"), max_length=12, choices=RequestKind.choices)
    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.PROTECT, related_name="requests")
    description = models.TextField(_("诉求内容"), validators=[v.validate_description])
    channel = models.CharField(_("来源渠道"), max_length=10, choices=Channel.choices)
    grid = models.ForeignKey(
        "territory.Node", verbose_name=_("网格"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    building = models.ForeignKey(
        "territory.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_requests",
    )
    household = models.ForeignKey(
        "registry.Household", verbose_name=_("住户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resident = models.ForeignKey(
        "registry.Resident", verbose_name=_("居民"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    lat = models.DecimalField(
        _("纬度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[v.validate_lat]
    )
    lng = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True, validators=[v.validate_lng]
    )
    address = models.CharField(_("地址"), max_length=200, blank=True, validators=[v.validate_no_html])
    requester_name = models.CharField(_("诉求人"), max_length=50, blank=True, validators=[v.validate_no_html])
    requester_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("重复于"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    extension_requested_days = models.PositiveSmallIntegerField(_("申请延期（工作日）"), null=True, blank=True)
    extension_reason = models.CharField(_("延期理由"), max_length=500, blank=True)
    extended_days = models.PositiveSmallIntegerField(_("已延期（工作日）"), default=0)
    reply = models.TextField(_("答复内容"), blank=True)
    # Open311 `token`: handed back to API clients before a request id is known.
    token = models.UUIDField(_("接口令牌"), default=uuid.uuid4, unique=True, editable=False)
    # Answers to the category's extra questions (CategoryAttribute.code → value or list).
    attributes = models.JSONField(_("附加信息"), default=dict, blank=True)

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-received_at", "-case_ptr_id"]
        indexes = [models.Index(fields=["category", "lat", "lng"], name="request_category_point")]
        permissions = [
            ("view_assigned", _("查看派给本单位的诉求")),
            ("dispatch_servicerequest", _("派单、审批延期、合并重复件")),
            ("handle_servicerequest", _("承办诉求（签收、退回、延期申请、答复、办结）")),
            ("supervise_servicerequest", _("督办超期诉求")),
            ("visit_servicerequest", _("回访诉求人")),
            ("contact_requester", _("联系来电人（查看诉求人完整电话，须说明用途）")),
        ]

    def clean(self):
        errors = {}
        if (self.lat is None) != (self.lng is None):
            errors["lat"] = _("经纬度须同时填写或同时留空。")
        has_place = any(
            [
                self.grid_id,
                self.building_id,
                self.household_id,
                self.resident_id,
                self.lat is not None,
                (self.address or "").strip(),
            ]
        )
        if not has_place:
            errors["address"] = _("请提供诉求地点：选择网格、楼栋、住户或居民，在地图上选点，或填写地址。")
        if errors:
            raise ValidationError(errors)


FLAGS = ("closed", "on_time", "closed_late", "visited", "satisfied", "reopened", "ever_closed")


class RequestFiguresQuerySet(models.QuerySet):
    """Scoped exactly as the requests themselves (`visible_q`)."""

    def visible_to(self, user, perm=None):
        return self.filter(visible_q(user, perm))


def _flag(verbose_name):
    # 0 or 1, summed by the statistics (SUM over a column of the index instead of a COUNT
    # FILTER evaluated per row).
    return models.PositiveSmallIntegerField(verbose_name, default=0)


class RequestFigures(models.Model):
    """What the statistics read of one service request (requests/stats.py), kept beside it by
    `summary.keep` in the transaction of every service that changes the request, and rebuilt
    for bulk-written rows by `summary.rebuild`: its node, category and handling organisation,
    when it was received (and the first day of that Beijing month), whether it is closed,
    closed on time or late, visited with a satisfied result, reopened, ever closed, the deadline
    while it is open (late once `deadline < now`) and the working days it took. Merged
    duplicates have no row. One narrow table instead of the case and request tables (two wide
    tables joined row by row): decision 0033, bench/dashboards.py. Never edited by hand; a
    request's row is derived from it alone."""

    request = models.OneToOneField(
        ServiceRequest, verbose_name=_("诉求"), primary_key=True, on_delete=models.CASCADE, related_name="figures"
    )
    # No indexes of their own: the indexes below lead with the grouping columns and hold these,
    # so the figures are read from an index in group order, never looked up row by row.
    node = models.ForeignKey(
        "territory.Node", verbose_name=_("所属区域"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    category = models.ForeignKey(
        Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    assignee = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("承办单位"),
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    received_at = models.DateTimeField(_("受理时间"))
    received_month = models.DateField(_("受理月份"))
    closed = _flag(_("已办结"))
    on_time = _flag(_("按时办结"))
    closed_late = _flag(_("超期办结"))
    visited = _flag(_("已回访"))
    satisfied = _flag(_("满意"))
    reopened = _flag(_("重办过"))
    ever_closed = _flag(_("办结过"))
    # The deadline of an open request (NULL once closed): late at query time when < now.
    open_deadline = models.DateTimeField(_("未办结的办结时限"), null=True)
    workdays = models.PositiveIntegerField(_("办理用时（工作日）"), null=True)

    objects = RequestFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求统计行")
        verbose_name_plural = _("诉求统计行")
        # Each holds every column its query reads, in its GROUP BY order, so the database reads
        # the index alone, already grouped (SQLite otherwise sorts every row in a temporary
        # B-tree to group them): the dashboard's months by (month, category, organisation), the
        # statistics page's tables by (category, organisation) within a received_at range.
        indexes = [
            models.Index(
                fields=["received_month", "category", "assignee", "node", *FLAGS, "open_deadline", "workdays"],
                name="request_figures_months",
            ),
            models.Index(
                fields=["category", "assignee", "received_at", "node", *FLAGS, "open_deadline", "workdays"],
                name="request_figures_tables",
            ),
        ]

    def __str__(self):
        return f"{self.request_id} {self.category_id}"


def photo_path(instance, filename):
    """requests/2026/11/<request id>/<uuid>.<ext>: never the uploader's file name."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"requests/{instance.uploaded_at:%Y/%m}/{instance.request_id}/{uuid.uuid4().hex}.{ext}"


class RequestPhoto(models.Model):
    """A photo attached to a request, stored under MEDIA_ROOT; type and size are checked from
    the content when it is attached (`validation.check_photo`)."""

    request = models.ForeignKey(ServiceRequest, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to=photo_path, max_length=200)
    content_type = models.CharField(_("类型"), max_length=20)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")
        ordering = ["id"]

    def __str__(self):
        return self.file.name


class CategoryAttribute(TrackedModel):
    """An extra question a category asks (Open311 service definition attribute): e.g. for
    路灯损坏 "灯杆编号" (string) or "故障类型" (singlevaluelist with `values`). Values given at
    filing are kept in `ServiceRequest.attributes` under `code`."""

    class Datatype(models.TextChoices):
        STRING = "string", _("短文本")
        NUMBER = "number", _("数字")
        DATETIME = "datetime", _("日期时间")
        TEXT = "text", _("长文本")
        SINGLE = "singlevaluelist", _("单选")
        MULTI = "multivaluelist", _("多选")

    category = models.ForeignKey(Category, verbose_name=_("分类"), on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(_("代码"), max_length=40, validators=[v.validate_attribute_code])
    variable = models.BooleanField(_("需要填写"), default=True, help_text=_("否：仅作说明，不收集数据"))
    datatype = models.CharField(_("数据类型"), max_length=16, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(_("必填"), default=False)
    datatype_description = models.CharField(_("格式说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=1)
    description = models.CharField(_("问题"), max_length=200)
    # [{"key": "1", "name": "不亮"}, …] for the two list datatypes.
    values = models.JSONField(_("可选值"), default=list, blank=True)

    class Meta:
        verbose_name = _("分类附加问题")
        verbose_name_plural = _("分类附加问题")
        ordering = ["category", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["category", "code"], name="category_attribute_code")]

    def __str__(self):
        return f"{self.category} · {self.code}"


class Open311Key(TrackedModel):
    """An API key of a third party allowed to file requests through Open311 (POST). Only the
    SHA-256 of the key is kept; the key itself is printed once by `gongzhi open311key NAME`."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")
        ordering = ["name"]

    def __str__(self):
        return self.name
