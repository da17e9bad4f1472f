"""The citizen's status check: tracking number plus the last four digits of the phone shows
the stage, the public notes and the deadline — and nothing else; every failure looks alike."""

import dataclasses

import pytest

from gongzhi.core.exceptions import NotFound
from gongzhi.requests import services
from gongzhi.requests.choices import Status
from gongzhi.requests.public import NOT_FOUND, public_status

from .conftest import PHONE


def test_shows_stage_public_notes_and_deadline(world, flow):
    r = flow.to(Status.HANDLING)
    services.request_extension(r, world.users.dept, days=2, reason="内部：科长出差")
    s = public_status(r.tracking_number, PHONE[-4:])
    assert s.stage == "办理中" and s.deadline == r.deadline and s.category == "噪声扰民"
    texts = " ".join(t for _, t in s.notes)
    assert "已受理" in texts and "城市管理局" in texts
    assert "科长出差" not in texts  # internal notes stay internal


def test_leaks_no_person(world, flow):
    r = flow.to(Status.COMPLETED)
    s = public_status(r.tracking_number, PHONE[-4:])
    dumped = repr(dataclasses.asdict(s))
    for secret in ("张三", PHONE, "13812345678", world.users.dept.get_full_name(), world.users.visitor.get_full_name()):
        assert secret not in dumped
    assert {f.name for f in dataclasses.fields(s)} == {
        "tracking_number",
        "stage",
        "private",
        "category",
        "received_at",
        "deadline",
        "closed",
        "notes",
    }


@pytest.mark.parametrize(
    "number,digits",
    [
        ("right", "0000"),
        ("wrong", "5678"),
        ("", "5678"),
        ("right", ""),
        ("right", "678"),
        ("right", "45678"),
        ("x" * 500, "5678"),
    ],
)
def test_same_not_found(flow, number, digits):
    r = flow.file()
    number = {"right": r.tracking_number, "wrong": "2026110299999"}.get(number, number)
    with pytest.raises(NotFound) as e:
        public_status(number, digits)
    assert str(e.value) == NOT_FOUND


def test_request_without_phone_cannot_be_checked(flow):
    r = flow.file(requester_phone="")
    with pytest.raises(NotFound):
        public_status(r.tracking_number, "")
