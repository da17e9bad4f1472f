"""What anyone holding a receipt code and the phone's last four digits may learn about a 代办:
the item, the steps and their dates, the deadline — never a name or a note's author. A wrong
code and wrong digits get the same answer, compared in constant time, so the check does not
reveal which codes exist."""

import hmac
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gongzhi.core.exceptions import NotFound

from .models import Errand

NOT_FOUND = gettext_noop("未找到该代办，请核对回执编号和手机号后四位。")


@dataclass(frozen=True)
class Progress:
    code: str
    item: str
    status: str
    received_on: object
    deadline: object
    overdue: bool
    done: bool
    steps: list = field(default_factory=list)  # [(label, date, note)]


def progress_of(errand) -> Progress:
    today = timezone.localdate()
    return Progress(
        code=errand.code,
        item=errand.item.name,
        status=errand.get_status_display(),
        received_on=errand.received_on,
        deadline=errand.deadline,
        overdue=errand.is_overdue(today),
        done=errand.is_final,
        steps=[(s.get_status_display(), s.on, s.note) for s in errand.steps.all()],
    )


def public_progress(code: str, last4: str) -> Progress:
    code = (code or "").strip().upper()
    digits = (last4 or "").strip()
    errand = Errand.objects.select_related("item").filter(code=code).first() if code and len(code) <= 16 else None
    stored = errand.applicant_phone[-4:] if errand is not None and len(errand.applicant_phone) >= 4 else ""
    ok = hmac.compare_digest(stored.encode() or b"\0\0\0\0", digits.encode()) and len(digits) == 4
    if errand is None or not ok:
        raise NotFound(_(NOT_FOUND))
    return progress_of(errand)
