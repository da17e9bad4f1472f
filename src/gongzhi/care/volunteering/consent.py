"""The notice texts a volunteer consents to, one per purpose, by version. A changed text gets
a new version (the old ones stay here: a recorded consent names the version it was given to)."""

from django.utils.translation import gettext_lazy as _

from .choices import ConsentKind

# PIPL Art. 14 (consent for the ordinary data) and Art. 29 (separate consent for sensitive
# data); the texts follow Art. 17 (who processes, for what, how long, how to withdraw).
TEXTS = {
    ConsentKind.GENERAL: {
        "2026-1": _(
            "本人同意社区居民委员会为组织志愿服务处理本人的姓名、联系电话、技能和服务记录，"
            "用于活动招募、联系和出具服务时长证明；本人可随时撤回同意，撤回后不再据此使用。"
        ),
    },
    ConsentKind.SENSITIVE: {
        "2026-1": _(
            "本人单独同意社区居民委员会记录本人与志愿活动有关的健康状况（敏感个人信息），"
            "仅用于安排适合本人的活动和保障安全；本人可随时撤回，撤回后该信息即删除。"
        ),
    },
}

CURRENT = {kind: max(versions) for kind, versions in TEXTS.items()}


def text(kind: str, version: str | None = None):
    """The notice of `kind` in `version` (the current one by default), translated lazily: a
    form declares it once and shows it in each reader's language."""
    return TEXTS[kind][version or CURRENT[kind]]
