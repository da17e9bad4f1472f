"""System checks for administrators (`gongzhi check`, and the top of `migrate`/`runserver`).

core.W001: the current year — or, from October on, the next year — has no published
working-day calendar, so deadlines there are counted Monday–Friday. October because the State
Council usually publishes next year's arrangement in the autumn and deadlines set in December
run into January.

core.E001 (with --deploy): the built-in development SECRET_KEY is in use.

core.E002: the installed apps' manifests do not fit together (core/manifest.py): a part one
app must provide (grants, bearer tokens, the unmask log) has no provider or two, a menu entry
names an undeclared section, the demo steps wait for a missing step, or two apps declare how to
link to the same case type.

The calendar check reads the database, which Django's own checks avoid; it answers nothing when the
database or the table is not there yet (before the first migrate).
"""

from django.core.checks import Error, Tags, Warning, register
from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _

# From this month on, next year's calendar is checked too.
WARN_NEXT_YEAR_FROM_MONTH = 10


def today():
    """Today's date in Beijing (a function, so tests can set the date)."""
    from .workdays import CN_TZ

    return timezone.now().astimezone(CN_TZ).date()


def years_to_check(today) -> list[int]:
    """The years whose calendar should be loaded by `today`."""
    return [today.year, today.year + 1] if today.month >= WARN_NEXT_YEAR_FROM_MONTH else [today.year]


@register("gongzhi", "calendar")
def calendar_published(app_configs=None, **kwargs):
    """Warn for each year that should be loaded but is not published."""
    from .calendar_models import CalendarYear
    from .workdays import unpublished_warning

    wanted = years_to_check(today())
    try:
        published = set(CalendarYear.objects.filter(year__in=wanted, published=True).values_list("year", flat=True))
    except DatabaseError:
        return []
    return [
        Warning(
            unpublished_warning(year),
            hint=_(
                "国务院办公厅公布放假安排后，在后台“节假日与调休”录入该年的放假日和调休上班日，并在“工作日历年份”中勾选已载入；"
                "或升级 chinesecalendar 后运行 gongzhi seed_calendar。详见 docs/calendar.md。"
            ),
            id="core.W001",
        )
        for year in wanted
        if year not in published
    ]


@register(Tags.security, deploy=True)
def development_secret_key(app_configs=None, **kwargs):
    """`check --deploy`: the development key is public (it is in the source). Django's own
    security.W009 passes it (long and varied), so it is named here, as an error."""
    from django.conf import settings

    if getattr(settings, "DEVELOPMENT_SECRET_KEY", None) != settings.SECRET_KEY:
        return []
    return [
        Error(
            _("正在使用内置的开发用 SECRET_KEY，任何人都能据此伪造登录会话。"),
            hint=_("设置环境变量 GONGZHI_SECRET_KEY 为随机长字符串，见 docs/admin.md“安全设置”。"),
            id="core.E001",
        )
    ]


@register("gongzhi")
def app_manifests(app_configs=None, **kwargs):
    """The installed apps' manifests fit together (docs/decisions/0011-app-manifests.md)."""
    from django.core.exceptions import ImproperlyConfigured

    from . import manifest

    problems = []
    for name in manifest.PROVIDED:
        found = [label for label, m in manifest.apps() if getattr(m, name) is not None]
        if len(found) != 1:
            problems.append(f"`{name}` 应由且仅由一个应用在 manifest 中提供，现为：{', '.join(found) or '无'}")
    sections = {s.key for _label, m in manifest.apps() for s in m.menu_sections}
    for label, m in manifest.apps():
        problems += [
            f"{label} 的菜单项 {e.url} 所属分组 {e.section} 未声明" for e in m.menu if e.section not in sections
        ]
    for read in (manifest.demo_steps, manifest.case_links, manifest.counters):
        try:
            read()
        except ImproperlyConfigured as e:
            problems.append(str(e))
    return [Error(p, hint="见 docs/decisions/0011-app-manifests.md。", id="core.E002") for p in problems]
