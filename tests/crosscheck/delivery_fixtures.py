"""A town's desk of delivered findings: staff of every role, a delivery account, residents
(one carrying a sensitive tag) and deliveries built as the province's job builds them."""

import datetime as dt
from types import SimpleNamespace

import pytest

from gongzhi.accounts import services as accounts
from gongzhi.crosscheck import delivery, snapshot
from tests import factories

RUN = dt.date(2026, 12, 1)


def finding(key, resident_or_id, check="residing_twice", run_on=RUN, town="320582100", **details):
    id_number = resident_or_id if isinstance(resident_or_id, str) else resident_or_id.id_number
    person = snapshot.person_key(key, id_number)
    defaults = {
        "residing_twice": {"other_towns": "320582101"},
        "paid_after_death": {
            "payer": "人社局",
            "payments": 2,
            "amount": 3600.5,
            "first_month": "2026-10",
            "last_month": "2026-11",
        },
        "away_unknown": {},
        "minors_alone": {"household": 7, "age": 12},
    }[check]
    return {
        "id": delivery.finding_id(run_on, check, town, person),
        "check": check,
        "person": person,
        "details": {**defaults, **details},
    }


def payload(key, findings, town="320582100", run_on=RUN):
    return {"town": town, "run_on": run_on.isoformat(), "key_check": snapshot.key_check(key), "findings": findings}


def make_desk(town):
    mk = factories.make_user
    users = SimpleNamespace(
        deliverer=mk("crosscheck_delivery", town["t"], username="province_job"),
        town=mk("town", town["t"]),
        community=mk("community", town["c1"]),
        community2=mk("community", town["c2"]),
        grid=mk("grid", town["g11"]),
        supervisor=mk("supervisor", town["c1"]),
        department=mk("department", town["t"]),
    )
    users.carer = mk("community", town["c1"], username="carer")
    accounts.grant(users.carer, role="sensitive", node=town["g11"])
    people = SimpleNamespace(
        mei=factories.make_resident(town["g11"], name="王小梅"),
        hidden=factories.make_resident(town["g11"], name="孙矫正", tags=[factories.sensitive_tag()]),
        far=factories.make_resident(town["g21"], name="李梁丰"),
    )
    return SimpleNamespace(town=town, users=users, people=people)


@pytest.fixture
def desk(town):
    return make_desk(town)
