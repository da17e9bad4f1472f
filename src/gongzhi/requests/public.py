"""What a citizen may learn without logging in: by tracking number plus the last four digits
of the phone given at filing, the stage, the public journal notes and the deadline — nothing
about any person. A wrong number and wrong digits get the same answer, so the check does not
reveal which tracking numbers exist."""
import hmac
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gongzhi.cases.selectors import journal
from gongzhi.core.exceptions import NotFound

from .models import ServiceRequest

NOT_FOUND = "未找到该诉求，请核对受理编号和手机号后四位。"


@dataclass(frozen=True)
class PublicStatus:
    tracking_number: str
    stage: str
    category: str
    received_at: object
    deadline: object
    closed: bool
    notes: list  # [(at, text)]


def public_status(tracking_number: str, phone_last4: str) -> PublicStatus:
    """The public view of one request, or NotFound with one message for every failure."""
    number = (tracking_number or "").strip()
    digits = (phone_last4 or "").strip()
    req = (ServiceRequest.objects.select_related("category").filter(tracking_number=number).first()
           if number and len(number) <= 20 else None)
    stored = (req.requester_phone[-4:] if req is not None and len(req.requester_phone) >= 4 else "")
    # Compare in constant time, and even when there is no such request, so timing says nothing.
    ok = hmac.compare_digest(stored.encode() or b"\0\0\0\0", digits.encode()) and len(digits) == 4
    if req is None or not ok:
        raise NotFound(_(NOT_FOUND))
    return PublicStatus(
        tracking_number=req.tracking_number, stage=req.status_label, category=req.category.name,
        received_at=req.received_at, deadline=req.deadline, closed=req.closed_at is not None,
        notes=[(e.at, e.note) for e in journal(req, public_only=True)],
    )
