"""The territory tree (区县 → 街道/乡镇 → 社区/村 → 网格), buildings and units (单位/法人)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core import uscc
from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet

from .choices import CODE_LENGTH, KIND_LEVEL, Level, NodeKind, UnitKind


class Node(TrackedModel):
    """A node of the administrative tree. `path` ("1/4/17/") is the chain of ids from the root,
    kept by the territory services, so a subtree is a prefix match."""

    SCOPE_FIELD = "path"
    AUDIT_EXCLUDE = (*TrackedModel.AUDIT_EXCLUDE, "path")

    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=NodeKind.choices)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices, editable=False)
    code = models.CharField(_("区划代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, blank=True)
    geojson = models.JSONField(_("边界 GeoJSON"), null=True, blank=True)
    households_planned = models.PositiveIntegerField(_("规划户数"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("区划/网格")
        verbose_name_plural = _("区划/网格")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.path

    def clean(self):
        self.level = KIND_LEVEL.get(self.kind, self.level)
        if self.level not in Level.values:
            # A kind that is not a node kind (say a unit's "enterprise") has no level; every rule
            # below depends on the level, so stop here with the message rather than crash on it.
            raise ValidationError(
                {
                    "kind": _("区划类型应为以下之一：%(kinds)s")
                    % {"kinds": "、".join(f"{value}（{label}）" for value, label in NodeKind.choices)}
                }
            )
        errors = {}
        if self.parent_id is None and self.level != Level.DISTRICT:
            errors["parent"] = _("只有区县可以没有上级")
        if self.parent is not None and self.parent.level != self.level - 1:
            errors["parent"] = _("%(level)s 的上级应为 %(parent)s") % {
                "level": self.get_level_display(),
                "parent": Level(self.level - 1).label,
            }
        want = CODE_LENGTH.get(self.level)
        if self.code and (not self.code.isdigit() or len(self.code) != want):
            errors["code"] = _("%(level)s代码应为 %(n)s 位数字") % {"level": Level(self.level).label, "n": want}
        elif self.code and self.parent is not None and not self.code.startswith(self.parent.code):
            errors["code"] = _("代码应以上级代码 %(code)s 开头") % {"code": self.parent.code}
        if self.geojson is not None and not _looks_like_geojson(self.geojson):
            errors["geojson"] = _("边界应为 GeoJSON 的 Polygon/MultiPolygon 或 Feature")
        if errors:
            raise ValidationError(errors)

    def ancestors(self):
        """Nodes from the root down to this one's parent, in one query."""
        ids = [int(i) for i in self.path.strip("/").split("/")[:-1] if i]
        by_id = {n.id: n for n in Node.objects.filter(id__in=ids)}
        return [by_id[i] for i in ids if i in by_id]


def _looks_like_geojson(value) -> bool:
    if not isinstance(value, dict):
        return False
    if value.get("type") == "Feature":
        return _looks_like_geojson(value.get("geometry"))
    return value.get("type") in ("Polygon", "MultiPolygon") and isinstance(value.get("coordinates"), list)


class Building(TrackedModel):
    """A building (楼栋) in a grid: address, floors, rooms and an optional map point."""

    SCOPE_FIELD = "grid__path"

    grid = models.ForeignKey(Node, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="buildings")
    name = models.CharField(_("楼栋名称"), max_length=50, help_text=_("如 3号楼"))
    address = models.CharField(_("地址"), max_length=200)
    floors = models.PositiveSmallIntegerField(_("层数"), validators=[MinValueValidator(1), MaxValueValidator(200)])
    rooms = models.PositiveIntegerField(_("房间数"), null=True, blank=True, validators=[MaxValueValidator(10000)])
    lat = models.DecimalField(
        _("纬度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    lng = models.DecimalField(
        _("经度"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        ordering = ["grid_id", "name"]
        constraints = [models.UniqueConstraint(fields=["grid", "name"], name="building_unique_in_grid")]

    def __str__(self):
        return f"{self.name}（{self.address}）"

    def scope_path(self):
        return self.grid.path

    def clean(self):
        if self.grid_id and self.grid.level != Level.GRID:
            raise ValidationError({"grid": _("楼栋必须属于网格")})
        if (self.lat is None) != (self.lng is None):
            raise ValidationError({"lat": _("经纬度须同时填写或同时留空")})


class Unit(TrackedModel):
    """A legal entity or organisation (单位/法人) located in a grid, identified by its
    统一社会信用代码 (GB 32100, check character validated)."""

    SCOPE_FIELD = "grid__path"

    grid = models.ForeignKey(Node, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="units")
    building = models.ForeignKey(
        Building, verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.SET_NULL, related_name="units"
    )
    name = models.CharField(_("单位名称"), max_length=200)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True, null=True, blank=True)
    kind = models.CharField(_("单位类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.ENTERPRISE)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.grid.path

    def clean(self):
        errors = {}
        if self.credit_code:
            try:
                self.credit_code = uscc.normalise(self.credit_code)
            except uscc.UsccError as e:
                errors["credit_code"] = str(e)
        else:
            self.credit_code = None
        if self.grid_id and self.grid.level != Level.GRID:
            errors["grid"] = _("单位必须属于网格")
        if self.building_id and self.grid_id and self.building.grid_id != self.grid_id:
            errors["building"] = _("楼栋不在所选网格内")
        if errors:
            raise ValidationError(errors)
