"""The working-day calendar: China's official holidays and 调休 days, as an editable table.

Only exceptions to the Monday–Friday week are stored: holidays that fall on a weekday and
make-up working days (调休上班) that fall on a weekend. Every other date is a working day
if it is Monday–Friday. Rows are seeded from the `chinesecalendar` package (2004–2026 at
the time of writing) and may be corrected or extended by administrators; seeding never
overwrites a row an administrator wrote (`source = manual`).

`CalendarYear` records which years hold the State Council's published arrangement. For a
year without one, deadlines are counted Monday–Friday and administrators are warned
(see gongzhi.core.workdays and gongzhi.core.checks).
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import TrackedModel

WEEKDAY_NAMES = "一二三四五六日"
# Years the table accepts; wide enough for history and planning, narrow enough to catch typos.
MIN_YEAR, MAX_YEAR = 2000, 2100


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("上班")
    HOLIDAY = "holiday", _("放假")


class CalendarSource(models.TextChoices):
    SEEDED = "seeded", _("自动导入")
    MANUAL = "manual", _("手工维护")


class CalendarDay(TrackedModel):
    """One date whose status differs from (or is confirmed against) the Monday–Friday week.

    A seeded row follows the package data and is refreshed by `gongzhi seed_calendar`; any
    edit through the services turns it into a manual row, which seeding leaves alone. A
    manual row may also restate the ordinary status (a weekday marked 上班) to cancel a
    seeded holiday for good.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(
        _("类型"),
        max_length=10,
        choices=DayKind.choices,
        help_text=_("放假：该日不计入工作日（如工作日里的法定节假日）；上班：该日计入工作日（如周末调休上班）。"),
    )
    name = models.CharField(_("名称"), max_length=60, blank=True, help_text=_("如：国庆节、国庆节调休上班"))
    source = models.CharField(
        _("来源"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.MANUAL, editable=False
    )
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = _("节假日与调休")
        ordering = ["date"]

    def __str__(self):
        label = f"{self.date:%Y-%m-%d} 星期{WEEKDAY_NAMES[self.date.weekday()]} {self.get_kind_display()}"
        return f"{label}（{self.name}）" if self.name else label

    @property
    def is_exception(self) -> bool:
        """True when the row changes the day's status compared with the Monday–Friday week."""
        return (self.kind == DayKind.WORKDAY) != (self.date.weekday() < 5)

    def clean(self):
        if isinstance(self.date, dt.date) and not (MIN_YEAR <= self.date.year <= MAX_YEAR):
            raise ValidationError({"date": _("日期须在 %(a)s 至 %(b)s 年之间") % {"a": MIN_YEAR, "b": MAX_YEAR}})


class CalendarYear(TrackedModel):
    """A year of the calendar and whether its official holiday arrangement is loaded.

    `published` is what the deadline arithmetic trusts: for a year not published, working
    days are counted Monday–Friday (plus any rows already entered) and a warning is raised.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(MIN_YEAR), MaxValueValidator(MAX_YEAR)]
    )
    published = models.BooleanField(
        _("已载入官方安排"),
        default=False,
        help_text=_(
            "勾选表示该年国务院办公厅公布的节假日安排已全部录入本表。未勾选的年份按周一至周五计算工作日，并提醒管理员。"
        ),
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=CalendarSource.choices, default=CalendarSource.MANUAL, editable=False
    )
    note = models.TextField(_("备注"), blank=True, help_text=_("如：国办发明电〔2026〕X号"))

    class Meta:
        verbose_name = _("工作日历年份")
        verbose_name_plural = _("工作日历年份")
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year} 年（{'已公布' if self.published else '未公布'}）"
