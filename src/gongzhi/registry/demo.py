"""The demo town's people (steps of `gongzhi demo`, declared in registry/apps.py): the tags,
then buildings, units, households and residents with valid ID numbers on every grid, about
`town.target` residents, all drawn from the town's random stream so a seed gives one town."""

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gongzhi.core import idnumber, uscc
from gongzhi.core.demo.names import ESTATES, GIVEN_FEMALE, GIVEN_MALE, ROADS, SURNAMES, UNIT_NAMES
from gongzhi.registry import migrants
from gongzhi.registry import services as registry
from gongzhi.registry.choices import Employment, Fertility, LabourSecurity, Relation, ResidenceType, Separation, Tenure
from gongzhi.territory import services as territory
from gongzhi.territory.demo import DISTRICT

# Where the town's migrants hold their hukou (户籍地).
HUKOU_PLACES = [
    "安徽省阜阳市临泉县",
    "安徽省六安市霍邱县",
    "河南省周口市郸城县",
    "河南省信阳市固始县",
    "四川省南充市营山县",
    "贵州省毕节市织金县",
    "江苏省盐城市响水县",
    "湖北省黄冈市蕲春县",
    "云南省昭通市镇雄县",
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


def build_tags(town):
    """The tags, kept in `town.shared["registry.tags"]` ({slug: Tag}) for the residents."""
    town.shared["registry.tags"] = {
        slug: registry.create_tag(slug=slug, name=name, sensitive=s, care=care) for slug, name, s, care in TAGS
    }


def build_residents(town):
    """Buildings, units, households and residents on `town.nodes["grids"]`, committed in
    batches (one per round over the grids) so a large town does not sit in one transaction."""
    _People(town)._population(town.nodes, town.shared["registry.tags"])


class _People:
    """Draws people from the town's random stream; ID numbers are unique within the town."""

    def __init__(self, town):
        self.rng = town.rng
        self.migrant_rng = random.Random(f"migrants-{town.seed}")
        self.target = town.target
        self.out = town.out
        self.used_ids = set()

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
            **(self._migrant(age) if household.tenure == Tenure.TENANT else {}),
        )

    def _landlord(self) -> str:
        rng = self.migrant_rng
        return rng.choice(SURNAMES) + rng.choice(GIVEN_MALE) + rng.choice(GIVEN_MALE)

    def _migrant(self, age) -> dict:
        """户籍地, arrival and, for adults here long enough, a 居住证 whose validity runs from a
        month past to most of a year ahead of today, so some are due for 签注 on the grid
        worker's list. A generator of its own, so the rest of the town stays as it was."""
        rng, today = self.migrant_rng, timezone.localdate()
        arrived = today - dt.timedelta(days=rng.randint(30, min(age, 15) * 365 + 31))
        out = {"hukou_place": rng.choice(HUKOU_PLACES), "arrived_on": arrived}
        until = today + dt.timedelta(days=rng.randint(-40, 330))
        issued = until - dt.timedelta(days=365)
        if age >= 16 and migrants.add_months(arrived, migrants.PERMIT_AFTER_MONTHS) <= issued:
            out.update(permit_issued_on=issued, permit_valid_until=until)
        return out

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
                        **_point_in(grid, self.rng.random(), self.rng.random()),
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
            landlord_name=self._landlord() if tenure == Tenure.TENANT else "",
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


def _point_in(grid, u, v) -> dict:
    """A building's point inside its grid (the demo grids are 0.01° squares; a point outside
    the town is refused when a request is filed there)."""
    ring = (grid.geojson or {}).get("coordinates", [[]])[0]
    lng0, lat0 = ring[0] if ring else (120.54, 31.86)
    return {"lat": Decimal(f"{lat0 + 0.0005 + u * 0.009:.6f}"), "lng": Decimal(f"{lng0 + 0.0005 + v * 0.009:.6f}")}
