"""Builds a deterministic demo town: a district, a town, communities and villages, grids,
buildings, units, households, residents with valid ID numbers, tags, organisations and the
demo users. Everything goes through the same services as real data, so it is audited too."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import Organisation
from gongzhi.core import audit, idnumber, uscc
from gongzhi.registry import services as registry
from gongzhi.registry.choices import Employment, Fertility, LabourSecurity, Relation, ResidenceType, Separation, Tenure
from gongzhi.territory import services as territory

from .names import ESTATES, GIVEN_FEMALE, GIVEN_MALE, ROADS, SURNAMES, UNIT_NAMES

DISTRICT = ("320582", "张家港市")
TOWN = ("320582100", "杨舍镇")
COMMUNITIES = [
    ("001", "南庄社区", "community"),
    ("002", "梁丰社区", "community"),
    ("003", "东城社区", "community"),
    ("201", "横河村", "village"),
]
TAGS = [
    ("elderly_alone", "独居老人", False, True),
    ("hardship", "困难群众", False, True),
    ("old_party", "老党员", False, True),
    ("support", "帮扶对象", False, True),
    ("party", "党员", False, False),
    ("veteran", "退役军人", False, False),
    ("released", "刑满释放", True, False),
    ("correction", "社区矫正", True, False),
    ("drug", "吸毒人员", True, False),
    ("mental", "精神障碍", True, True),
    ("disabled", "残疾", True, True),
    ("dibao", "低保", True, True),
    ("chronic", "慢性病", True, False),
]
# Satisfies the password rules for every demo username (tests/accounts/test_passwords.py).
DEMO_PASSWORD = "gongzhi-demo-2026"
USERS = [
    # username, display name, role, node key, organisation
    ("admin", "系统管理员", "admin", "district", None),
    ("likezhang", "李科长", "town", "town", "杨舍镇人民政府"),
    ("chenshuji", "陈书记", "community", "c001", "南庄社区居委会"),
    ("wangfang", "王芳", "grid", "g001007", None),
    ("zhaoduizhang", "赵队长", "department", "town", "城市管理局"),
    ("jiandu", "孙监督", "supervisor", "c001", None),
    ("liudaye", "刘大爷", "resident", "g001007", None),
    ("guanzhao", "钱关照", "sensitive", "c001", None),
]
DEPARTMENTS = ["公安派出所", "民政办", "人社所", "司法所", "卫健办", "城市管理局"]


class DemoTown:
    """Deterministic for a given seed: the same seed gives the same town."""

    def __init__(self, residents: int, seed: int, grids_per_community: int = 8, out=print):
        self.rng = random.Random(seed)
        self.target = residents
        self.grids_per_community = grids_per_community
        self.out = out
        self.seq = {}
        self.used_ids = set()

    def build(self):
        with audit.acting(source="system", new_action=True):
            with transaction.atomic():
                tags = self._tags()
                nodes = self._territory()
                self._organisations(nodes)
                users = self._users(nodes)
            self._population(nodes, tags)
            users += self._service_requests(nodes)
            self._consultation(nodes)
            users += self._compact(nodes)
        return users

    def _consultation(self, nodes):
        """Consultation (issue 4): councils with members, past meetings (one without quorum),
        decisions being carried out, a draft with comments and a disclosure board."""
        from gongzhi.consultation.demo import build_demo_consultation

        with transaction.atomic():
            build_demo_consultation(nodes, seed=self.rng.randrange(2**31))

    def _service_requests(self, nodes):
        """Service requests (issue 3): categories, a dispatcher, a visitor and requests in every
        stage, about one per 15 residents (20–300)."""
        from gongzhi.requests.demo import build_demo_requests

        return build_demo_requests(nodes, n=max(20, min(300, self.target // 15)), seed=self.rng.randrange(2**31))

    def _compact(self, nodes):
        """政社互动 (issue 5): lists, agreements, tasks in every state, red cards, a closed round."""
        from gongzhi.compact.demo import build_demo_compact

        return build_demo_compact(nodes, seed=self.rng.randrange(2**31))

    def _tags(self):
        return {slug: registry.create_tag(slug=slug, name=name, sensitive=s, care=care) for slug, name, s, care in TAGS}

    def _territory(self):
        nodes = {"district": territory.create_node(kind="district", code=DISTRICT[0], name=DISTRICT[1])}
        nodes["town"] = territory.create_node(parent=nodes["district"], kind="town", code=TOWN[0], name=TOWN[1])
        nodes["grids"] = []
        for ccode, cname, kind in COMMUNITIES:
            community = territory.create_node(parent=nodes["town"], kind=kind, code=TOWN[0] + ccode, name=cname)
            nodes[f"c{ccode}"] = community
            for g in range(1, self.grids_per_community + 1):
                grid = territory.create_node(
                    parent=community,
                    kind="grid",
                    code=f"{community.code}{g:03d}",
                    name=f"{cname}第{g:02d}网格",
                    geojson=self._square(len(nodes["grids"])),
                    households_planned=400,
                )
                nodes[f"g{ccode}{g:03d}"] = grid
                nodes["grids"].append(grid)
        return nodes

    def _square(self, i):
        lng, lat = 120.54 + (i % 8) * 0.01, 31.86 + (i // 8) * 0.01
        ring = [[lng, lat], [lng + 0.01, lat], [lng + 0.01, lat + 0.01], [lng, lat + 0.01], [lng, lat]]
        return {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}

    def _organisations(self, nodes):
        Organisation.objects.create(name="杨舍镇人民政府", kind="government", node=nodes["town"])
        Organisation.objects.create(name="南庄社区居委会", kind="committee", node=nodes["c001"])
        for name in DEPARTMENTS:
            Organisation.objects.create(name=name, kind="department", node=nodes["town"])

    def _users(self, nodes):
        rows = []
        for username, display, role, key, org in USERS:
            organisation = Organisation.objects.filter(name=org).first() if org else None
            if key not in nodes:  # a small town without grid 07: use the community's first grid
                key = f"g{key[1:4]}001"
            accounts.create_user(
                username=username,
                password=DEMO_PASSWORD,
                display_name=display,
                role=role,
                node=nodes[key],
                organisation=organisation,
            )
            rows.append((role, username, DEMO_PASSWORD, display, nodes[key].name))
        return rows

    # --- people -------------------------------------------------------------------------
    def _id_number(self, born: dt.date, male: bool) -> str:
        while True:
            seq = self.rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{DISTRICT[0]}{born:%Y%m%d}{seq:03d}"
            value = first17 + idnumber.check_char(first17)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def _birth(self, lo: int, hi: int) -> dt.date:
        today = dt.date(2026, 11, 1)
        days = self.rng.randint(lo * 365, hi * 365)
        return today - dt.timedelta(days=days)

    def _name(self, surname: str, male: bool) -> str:
        pool = GIVEN_MALE if male else GIVEN_FEMALE
        given = self.rng.choice(pool) + (self.rng.choice(pool) if self.rng.random() < 0.6 else "")
        return surname + given

    def _phone(self) -> str:
        return (
            self.rng.choice(["138", "139", "137", "150", "151", "158", "186", "189", "177"])
            + f"{self.rng.randrange(10**8):08d}"
        )

    def _person(self, household, relation, surname, lo, hi, male=None, tags=()):
        male = self.rng.random() < 0.5 if male is None else male
        born = self._birth(lo, hi)
        age = (dt.date(2026, 11, 1) - born).days // 365
        employment = (
            Employment.PRESCHOOL
            if age < 6
            else Employment.STUDENT
            if age < 19
            else Employment.RETIRED
            if age >= 60
            else self.rng.choice(
                [Employment.EMPLOYED] * 5 + [Employment.SELF_EMPLOYED, Employment.UNEMPLOYED, Employment.FARMER]
            )
        )
        return registry.create_resident(
            name=self._name(surname, male),
            id_number=self._id_number(born, male),
            household=household,
            relation=relation,
            phone=self._phone() if age >= 16 else "",
            employment=employment,
            fertility=Fertility.NA
            if (male or age < 20)
            else self.rng.choice([Fertility.NONE, Fertility.ONE, Fertility.TWO]),
            labour_security=LabourSecurity.PENSION
            if age >= 60
            else LabourSecurity.EMPLOYEE_INSURANCE
            if employment == Employment.EMPLOYED
            else LabourSecurity.RESIDENT_INSURANCE,
            residence_type=ResidenceType.MIGRANT
            if household.tenure == Tenure.TENANT
            else self.rng.choice([ResidenceType.REGISTERED] * 4 + [ResidenceType.RESIDENT]),
            separation=self.rng.choice([Separation.NONE] * 9 + [Separation.AWAY]),
            social_relations="" if age >= 18 else "监护人：户主",
            tags=tags,
        )

    def _population(self, nodes, tags):
        grids = nodes["grids"]
        made = 0
        hh_no = 0
        building_no = {}
        unit_no = 0
        while made < self.target:
            with transaction.atomic():
                for grid in grids:
                    if made >= self.target:
                        break
                    n = building_no.get(grid.pk, 0) + 1
                    building_no[grid.pk] = n
                    estate = ESTATES[(grid.pk + n) % len(ESTATES)]
                    building = territory.create_building(
                        grid=grid,
                        name=f"{n}号楼",
                        address=f"{self.rng.choice(ROADS)}{self.rng.randint(1, 300)}号{estate}{n}号楼",
                        floors=self.rng.choice([6, 6, 11, 18]),
                        rooms=24,
                        lat=Decimal(f"{31.86 + self.rng.random() / 20:.6f}"),
                        lng=Decimal(f"{120.54 + self.rng.random() / 12:.6f}"),
                    )
                    if self.rng.random() < 0.3:
                        unit_no += 1
                        first17 = f"91320582MA{unit_no:07d}"
                        territory.create_unit(
                            grid=grid,
                            building=building,
                            name=f"张家港市{estate}{self.rng.choice(UNIT_NAMES)}",
                            credit_code=first17 + uscc.check_char(first17),
                            legal_representative=self._name(self.rng.choice(SURNAMES), True),
                            phone=self._phone(),
                            address=building.address,
                            employees=self.rng.randint(2, 60),
                        )
                    for unit in range(1, 3):
                        for room in (101, 102, 201, 202, 301, 302):
                            if made >= self.target:
                                break
                            hh_no += 1
                            made += self._household(grid, building, f"{unit}-{room}", hh_no, tags)
            self.out(f"  {min(made, self.target)}/{self.target} residents")

    def _household(self, grid, building, room, hh_no, tags) -> int:
        tenure = self.rng.choice([Tenure.OWNER] * 6 + [Tenure.TENANT] * 3 + [Tenure.LODGER])
        household = registry.create_household(
            number=f"{grid.code}{hh_no:06d}",
            grid=grid,
            building=building,
            room=room,
            tenure=tenure,
        )
        surname = self.rng.choice(SURNAMES)
        shape = self.rng.random()
        if shape < 0.12:  # an elderly person living alone
            self._person(household, Relation.HEAD, surname, 70, 92, tags=[tags["elderly_alone"]])
            return 1
        head_male = self.rng.random() < 0.7
        extra_tags = []
        r = self.rng.random()
        if r < 0.02:
            extra_tags = [tags[self.rng.choice(["released", "correction", "drug", "mental"])]]
        elif r < 0.08:
            extra_tags = [tags[self.rng.choice(["disabled", "dibao", "hardship", "party", "veteran", "chronic"])]]
        self._person(household, Relation.HEAD, surname, 30, 65, male=head_male, tags=extra_tags)
        count = 1
        if self.rng.random() < 0.85:
            self._person(household, Relation.SPOUSE, self.rng.choice(SURNAMES), 28, 63, male=not head_male)
            count += 1
        for _ in range(self.rng.choice([0, 1, 1, 2])):
            self._person(household, Relation.CHILD, surname, 1, 25)
            count += 1
        if self.rng.random() < 0.15:
            self._person(
                household, Relation.PARENT, surname, 62, 90, tags=[tags["old_party"]] if self.rng.random() < 0.3 else []
            )
            count += 1
        return count
