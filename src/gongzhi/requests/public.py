"""Everything the public may learn about service requests, in one place: every public channel
(Open311 reads, the progress check, any later public page or board) reads requests through
`public_requests()` and shows a place only through `public_place()`.

The rules (docs/permissions.md, "诉求的公开"):
- A request is public only when its category is (`Category.visibility`); help, health, family
  and neighbour disputes and anything naming a person are private and never listed, looked up
  or counted in a public channel. A category changed to private disappears at once, because
  the rule is a join in the query, not a copied flag.
- A public request's point is rounded to 3 decimals (about 100 m) and its address cut to the
  road (no house or building number, no unit or room); the building's id is not given out.
- The progress check (tracking number + the last four digits of the phone) of a private
  request shows only its stage.

A wrong tracking number and wrong digits get the same answer, so the check does not reveal
which tracking numbers exist."""

import hmac
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.cases.selectors import journal
from gongzhi.core.exceptions import NotFound

from .choices import Visibility
from .models import ServiceRequest

NOT_FOUND = gettext_noop("未找到该诉求，请核对受理编号和手机号后四位。")

# ---------------------------------------------------------------- which categories are private

# Words in a category's name that make it private by default: help and hardship, health,
# family and neighbour disputes, reports about a person (PIPL Art. 28; DOMAIN.md §6). "环境卫生"
# is sanitation, not health, so 卫生 alone is not a private word.
PRIVATE_WORDS = (
    "救助",
    "困难",
    "低保",
    "特困",
    "帮扶",
    "医疗",
    "健康",
    "疾病",
    "患病",
    "病人",
    "就医",
    "心理",
    "精神",
    "残疾",
    "纠纷",
    "邻里",
    "家庭",
    "婚姻",
    "家暴",
    "赡养",
    "抚养",
    "监护",
    "矫正",
    "举报",
    "个人",
    "隐私",
)


def suggested_visibility(name: str) -> str:
    """Private when the name speaks of a person's situation, else public (市容, 道路, 路灯 …).
    Used when a category is created without a choice and to classify existing ones."""
    return Visibility.PRIVATE if any(w in (name or "") for w in PRIVATE_WORDS) else Visibility.PUBLIC


# ---------------------------------------------------------------- the public selector


def public_requests():
    """Every request a public channel may show: those of public categories."""
    return ServiceRequest.objects.filter(category__visibility=Visibility.PUBLIC)


def is_public(request: ServiceRequest) -> bool:
    return request.category.visibility == Visibility.PUBLIC


# ---------------------------------------------------------------- the public place

PUBLIC_DECIMALS = Decimal("0.001")  # 0.001° of latitude ≈ 111 m
# Where the house number, building, unit or room begins: a digit (ASCII or full-width), a
# number in Chinese figures before 号/幢/栋/楼/单元/室/弄, or one of those words.
_NUMBER = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千零〇两]+(?:号|幢|栋|座|楼|单元|室|弄|组)|号|幢|栋|单元|室")
# A road's last word; 街 of 街道 (a street office) is not a road.
_ROAD = re.compile(r"大道|大街|路|街(?!道)|巷|弄|胡同")


def public_coordinate(value):
    """A coordinate rounded to about 100 m, as a float (None stays None)."""
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(PUBLIC_DECIMALS, rounding=ROUND_HALF_UP))


def public_road(address: str) -> str:
    """The road of an address: "人民路 18 号 3 幢 2 单元 301" → "人民路"; "" when no road is
    named before the number (an estate name alone, or free words that may name a person)."""
    text = (address or "").strip()
    cut = _NUMBER.search(text)
    head = text[: cut.start()] if cut else text
    roads = list(_ROAD.finditer(head))
    if not roads:
        return ""
    return head[: roads[-1].end()].strip(" ,，、·-—")


@dataclass(frozen=True)
class PublicPlace:
    address: str
    lat: float | None
    lng: float | None


def public_place(request: ServiceRequest) -> PublicPlace:
    """Where a public request is, as the public may see it: the road of its address (or of its
    building's), else the name of its community or grid; the point rounded to about 100 m."""
    address = public_road(request.address)
    if not address and request.building_id:
        address = public_road(request.building.address)
    if not address and request.node_id:
        address = request.node.name
    return PublicPlace(address=address, lat=public_coordinate(request.lat), lng=public_coordinate(request.lng))


# ---------------------------------------------------------------- the progress check


@dataclass(frozen=True)
class PublicStatus:
    tracking_number: str
    stage: str
    private: bool  # only the stage is shown
    category: str = ""
    received_at: object = None
    deadline: object = None
    closed: bool = False
    notes: list = field(default_factory=list)  # [(at, text)]


def public_status(tracking_number: str, phone_last4: str) -> PublicStatus:
    """The public view of one request, or NotFound with one message for every failure."""
    number = (tracking_number or "").strip()
    digits = (phone_last4 or "").strip()
    req = (
        ServiceRequest.objects.select_related("category").filter(tracking_number=number).first()
        if number and len(number) <= 20
        else None
    )
    stored = req.requester_phone[-4:] if req is not None and len(req.requester_phone) >= 4 else ""
    # Compare in constant time, and even when there is no such request, so timing says nothing.
    ok = hmac.compare_digest(stored.encode() or b"\0\0\0\0", digits.encode()) and len(digits) == 4
    if req is None or not ok:
        raise NotFound(_(NOT_FOUND))
    if not is_public(req):
        # Whoever holds a paper slip and four digits learns the stage, nothing more.
        return PublicStatus(
            tracking_number=req.tracking_number, stage=req.status_label, private=True, closed=req.closed_at is not None
        )
    return PublicStatus(
        tracking_number=req.tracking_number,
        stage=req.status_label,
        private=False,
        category=req.category.name,
        received_at=req.received_at,
        deadline=req.deadline,
        closed=req.closed_at is not None,
        notes=[(e.at, e.note) for e in journal(req, public_only=True)],
    )
