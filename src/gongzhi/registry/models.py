"""Households, residents (八字段), tags including sensitive categories, and move history."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.choices import Gender
from gongzhi.core.models import TrackedModel
from gongzhi.core.scoping import ScopedQuerySet
from gongzhi.territory.choices import Level

from . import choices as c
from . import permissions as perms


class Tag(TrackedModel):
    """A label on residents: a care category (独居老人, 困难群众 …) or a sensitive category
    (刑满释放, 社区矫正, 吸毒, 精神障碍, 残疾, 低保, health — PIPL Art. 28). A resident carrying a
    sensitive tag is visible only to users with `registry.view_sensitive` on their grid.
    Versioned like every record the admin edits, so a stale form cannot overwrite a newer one."""

    slug = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    sensitive = models.BooleanField(_("敏感"), default=False)
    care = models.BooleanField(_("关爱对象"), default=False, help_text=_("列入走访关爱（如六必访）"))

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["sensitive", "name"]

    def __str__(self):
        return self.name


class Household(TrackedModel):
    """A household (户): number, where it lives (building + room, or an address), the head,
    and whether it owns, rents or lodges."""

    SCOPE_FIELD = "grid__path"

    number = models.CharField(_("户号"), max_length=30, unique=True)
    grid = models.ForeignKey(
        "territory.Node", verbose_name=_("网格"), on_delete=models.PROTECT, related_name="households"
    )
    building = models.ForeignKey(
        "territory.Building",
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    room = models.CharField(_("房号"), max_length=30, blank=True, help_text=_("如 2-501（单元-房号）"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    tenure = models.CharField(_("居住方式"), max_length=10, choices=c.Tenure.choices, default=c.Tenure.OWNER)
    head = models.ForeignKey(
        "Resident", verbose_name=_("户主"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who lets a rented home (租住), the person a grid worker asks about the tenants. A name
    # only: a landlord living in town is in the registry with his own (masked) phone; a second
    # copy of a person's number here would need its own masking and unmask path.
    landlord_name = models.CharField(_("出租人"), max_length=50, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        ordering = ["number"]
        # (grid, number): the household list's order and its page key (registry.keyset).
        indexes = [
            models.Index(fields=["grid", "building", "room"]),
            models.Index(fields=["grid", "number"], name="household_grid_number"),
        ]

    def __str__(self):
        return f"{self.number} {self.place()}"

    def scope_path(self):
        return self.grid.path

    def place(self) -> str:
        if self.building_id:
            return f"{self.building.name} {self.room}".strip()
        return self.address

    def clean(self):
        errors = {}
        if not self.building_id and not self.address:
            errors["address"] = gettext("请选择楼栋并填写房号，或填写地址")
        if self.building_id and not self.room:
            errors["room"] = gettext("选择了楼栋时请填写房号")
        if self.building_id and self.grid_id and self.building.grid_id != self.grid_id:
            errors["building"] = gettext("楼栋不在该网格内")
        if self.grid_id and self.grid.level != Level.GRID:
            errors["grid"] = gettext("住户必须属于网格")
        if self.head_id and self.pk and self.head.household_id != self.pk:
            errors["head"] = gettext("户主须是本户成员")
        if self.landlord_name and self.tenure != c.Tenure.TENANT:
            errors["landlord_name"] = gettext("只有租住的住户登记出租人")
        if errors:
            raise ValidationError(errors)


def small_scope_grids(user, perm) -> list[int] | None:
    """The grid ids of `user`'s grants for `perm` when they are at most
    ResidentQuerySet.SMALL_SCOPE_GRIDS grids (the last id of each grid's path: no query), else
    None. A list filtered by them reads those grids' rows from the grid index instead of
    testing the path of every row in the town."""
    from gongzhi.core.scoping import paths_for

    paths = paths_for(user, perm)
    if paths and len(paths) <= ResidentQuerySet.SMALL_SCOPE_GRIDS and all(_grid_level(p) for p in paths):
        return sorted(int(p.strip("/").split("/")[-1]) for p in paths)
    return None


class ResidentQuerySet(ScopedQuerySet):
    """Residents, with sensitive records hidden unless the user may see them on that grid.

    The scope stays a join testing the grid's path: written as `grid_id IN (nodes…)` instead,
    SQLite (without ANALYZE statistics) drives a town-wide search from the scope and reads
    every resident of the town — measured in docs/decisions/0003-resident-search.md.
    Except when the user's grants are a few grids: then the grid ids (the last id of each
    grid's path, no query) are added as `grid_id IN (…)`, so SQLite reads the few thousand
    residents of those grids instead of walking a town-wide index and testing each row's
    path, and `scope_grids` tells the search it may test its conditions row by row."""

    # Grids whose residents a search may simply read (≈ 1,000 residents a grid).
    SMALL_SCOPE_GRIDS = 5
    scope_grids = None  # the grid ids of a small scope, set by visible_to
    # Whose scope this is, set by visible_to: a search by number restricts what it matches to
    # what this user may see of each number (registry.number_search).
    scope_user = None

    def _clone(self):
        clone = super()._clone()
        clone.scope_grids = self.scope_grids
        clone.scope_user = self.scope_user
        return clone

    def visible_to(self, user, perm=None):
        from gongzhi.core.scoping import scope_q

        qs = super().visible_to(user, perm)
        qs = qs.filter(models.Q(has_sensitive=False) | scope_q(user, perms.VIEW_SENSITIVE, "grid__path"))
        ids = small_scope_grids(user, perm or perms.VIEW_RESIDENT)
        if ids:
            qs = qs.filter(grid_id__in=ids)  # the same rows: each path is exactly one grid
            qs.scope_grids = ids
        qs.scope_user = user
        return qs

    def counted_for(self, user, perm=None):
        """The same residents as `visible_to`, with the scope written as `grid_id IN (grids in
        scope)`: for a COUNT without a search, SQLite then reads only the scope's grids from
        the grid index instead of joining every resident of the town to its grid — 3.0 →
        0.7 ms for a community of 1,300 in a town of 5,000 (docs/benchmarks.md, API). Not for
        searches: there the join lets SQLite drive from the name index (see above)."""
        from gongzhi.core.scoping import paths_for, scope_q
        from gongzhi.territory.models import Node

        perm = perm or perms.VIEW_RESIDENT
        if paths_for(user, perm) is None:
            return self.visible_to(user, perm)  # unrestricted: no scope join to avoid

        def in_scope(p):
            return models.Q(grid_id__in=Node.objects.filter(scope_q(user, p, "path")).values("pk"))

        sensitive = perms.VIEW_SENSITIVE
        shown = models.Q(has_sensitive=False)
        if paths_for(user, sensitive):
            shown |= in_scope(sensitive)
        return self.filter(in_scope(perm)).filter(shown)


def _grid_level(path: str) -> bool:
    """Is `path` ("1/4/17/2048/") a grid's? Grids are the fourth and lowest level."""
    return path.count("/") == int(Level.GRID)


class Resident(TrackedModel):
    """A person in the registry: the 八字段 a grid worker collects (姓名, 性别, 身份证号, 就业情况,
    家庭成员, 社会关系, 生育情况, 劳动保障), residence status, phone and tags.

    `id_number` is stored in its 18-character form; gender and birth date are derived from it
    and checked against what was typed. `name_pinyin` and `name_initials` serve pinyin search
    ("zhangsan", "zs"); `name_s1` and `name_s2` (the name from its second and third character
    on) make any part of a name of up to four characters a prefix of an indexed column;
    `has_sensitive` mirrors the tags so scoping needs no join; database triggers keep it
    whatever changed the tags (registry/sensitive_flag.py).
    """

    SCOPE_FIELD = "grid__path"
    AUDIT_EXCLUDE = (*TrackedModel.AUDIT_EXCLUDE, "name_pinyin", "name_initials", "name_s1", "name_s2", "has_sensitive")

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    id_number = models.CharField(_("身份证号"), max_length=18, unique=True)
    birth_date = models.DateField(_("出生日期"))
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True, default="汉族")
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, db_index=True)
    # No index of its own: `resident_grid_sens` (grid, has_sensitive) leads with the grid and
    # answers every lookup by grid, and a count per grid of the people a reader may see from
    # the index alone (the grid map, bench/maps.py).
    grid = models.ForeignKey(
        "territory.Node",
        verbose_name=_("网格"),
        on_delete=models.PROTECT,
        related_name="residents",
        db_index=False,
    )
    household = models.ForeignKey(
        Household, verbose_name=_("住户"), null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    relation = models.CharField(_("与户主关系"), max_length=20, choices=c.Relation.choices, blank=True)
    employment = models.CharField(_("就业情况"), max_length=20, choices=c.Employment.choices, blank=True)
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    social_relations = models.CharField(_("社会关系"), max_length=200, blank=True, help_text=_("紧急联系人、监护人等"))
    fertility = models.CharField(_("生育情况"), max_length=20, choices=c.Fertility.choices, blank=True)
    labour_security = models.CharField(_("劳动保障"), max_length=20, choices=c.LabourSecurity.choices, blank=True)
    residence_type = models.CharField(
        _("人口类型"), max_length=12, choices=c.ResidenceType.choices, default=c.ResidenceType.REGISTERED
    )
    separation = models.CharField(_("人户分离"), max_length=8, choices=c.Separation.choices, default=c.Separation.NONE)
    status = models.CharField(_("状态"), max_length=12, choices=c.Status.choices, default=c.Status.ACTIVE)
    # Migrants (流动人口, 新市民): where the hukou is, since when the person lives here, and the
    # 居住证 (居住证暂行条例 2015). The card carries the holder's 公民身份号码 (Art. 4), so it has
    # no number of its own here (a second copy of the ID number to mask); its validity is what
    # the grid worker follows, renewed by the yearly 签注. Rules in registry/migrants.py.
    hukou_place = models.CharField(_("户籍地"), max_length=100, blank=True)
    arrived_on = models.DateField(_("来本地日期"), null=True, blank=True)
    permit_issued_on = models.DateField(_("居住证签发日期"), null=True, blank=True)
    permit_valid_until = models.DateField(_("居住证有效期至"), null=True, blank=True, db_index=True)
    notes = models.TextField(_("备注"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="residents")
    has_sensitive = models.BooleanField(default=False, editable=False)
    name_pinyin = models.CharField(max_length=200, blank=True, editable=False, db_index=True)
    name_initials = models.CharField(max_length=50, blank=True, editable=False, db_index=True)
    # Derived by validation.search_keys, like the pinyin: 欧阳娜娜 → 阳娜娜, 娜娜. Columns on the
    # row rather than a side table: one index entry each instead of a row and an index entry
    # per part (docs/decisions/0003-resident-search.md).
    name_s1 = models.CharField(max_length=50, blank=True, editable=False, db_index=True)
    name_s2 = models.CharField(max_length=50, blank=True, editable=False, db_index=True)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        ordering = ["name", "id"]
        # A one-character search (a surname) matches tens of thousands in a town: with grid and
        # has_sensitive in the index, its scoped count is read from the index alone and its
        # first page walks the index in order (docs/decisions/0003-resident-search.md).
        # Likewise a single pinyin letter (z): answered from the initials index in its order.
        indexes = [
            models.Index(fields=["name", "grid", "has_sensitive"], name="resident_name_grid_sens"),
            models.Index(fields=["name_initials", "grid", "has_sensitive"], name="resident_initials_grid_sens"),
            models.Index(fields=["grid", "has_sensitive"], name="resident_grid_sens"),
        ]
        permissions = [
            ("view_sensitive", _("查看敏感人群及其记录")),
            ("unmask_pii", _("查看完整身份证号和电话")),
            ("export_resident", _("导出居民")),
            ("import_resident", _("导入居民")),
        ]

    def __str__(self):
        return self.name

    def scope_path(self):
        return self.grid.path

    def clean(self):
        # A person's grid decides who sees them; a household in another grid would put the
        # family under two grid workers' scopes at once.
        if self.household_id and self.grid_id and self.household.grid_id != self.grid_id:
            raise ValidationError({"household": gettext("住户不在该居民所属网格内")})

    @property
    def age(self):
        from datetime import date

        return age_on(self.birth_date, date.today())


def age_on(birth, day) -> int:
    """Whole years of age on `day` (a person born on 29 Feb turns a year older on 1 Mar)."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class ResidentNamePart(models.Model):
    """A suffix of a long name (five characters or more, e.g. 阿依古丽买买提) from its fourth
    character on, of two characters or more (丽买买提 … 买提). The name and its columns
    `name_s1`/`name_s2` cover parts starting at the first three characters; these rows cover
    the rest, so any part of two or more characters is a prefix of an indexed value — a
    B-tree range on SQLite and PostgreSQL alike (trigram indexes cannot serve two-character
    names). Few residents have such names. Derived data: written by
    `registry.search.index_new_residents` (the services and the import) and `reindex_names`
    (when a name changes)."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="+")
    part = models.CharField(max_length=50)

    class Meta:
        indexes = [models.Index(fields=["part", "resident"], name="resident_namepart_part")]

    def __str__(self):
        return self.part


class ResidentMove(models.Model):
    """One move of a resident between households and/or grids; the history of where a person
    lived. The change itself is also in the audit log."""

    resident = models.ForeignKey(Resident, on_delete=models.CASCADE, related_name="moves", verbose_name=_("居民"))
    at = models.DateTimeField(_("时间"))
    from_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("原住户")
    )
    to_household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("新住户")
    )
    from_grid = models.ForeignKey(
        "territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("原网格")
    )
    to_grid = models.ForeignKey("territory.Node", on_delete=models.PROTECT, related_name="+", verbose_name=_("新网格"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    actor_name = models.CharField(_("经办人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("迁移记录")
        verbose_name_plural = _("迁移记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.resident} {self.at:%Y-%m-%d}"

    def clean(self):
        if self.from_household_id == self.to_household_id and self.from_grid_id == self.to_grid_id:
            raise ValidationError(gettext("迁入与迁出相同"))


class GridFigures(models.Model):
    """How many residents (of them, how many carry a sensitive tag) and households each grid
    holds: what the workbench and the grid map show per grid, read here instead of counting a
    town's registry on every page load. Derived data kept by database triggers on the resident
    and household tables, whatever wrote them (registry/grid_figures.py,
    docs/decisions/0028-grid-figures.md); never written by the application."""

    grid = models.OneToOneField(
        "territory.Node", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("网格")
    )
    residents = models.IntegerField(_("居民"), default=0)
    sensitive = models.IntegerField(_("敏感人群"), default=0)
    households = models.IntegerField(_("住户"), default=0)

    class Meta:
        verbose_name = _("网格人口数")
        verbose_name_plural = _("网格人口数")

    def __str__(self):
        return f"{self.grid_id}: {self.residents}/{self.households}"
