"""The demo town's organisations and accounts (a step of `gongzhi demo`, declared in
accounts/apps.py): the town government, a committee, the departments, and one user per role."""

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import Organisation

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


def build_accounts(town):
    """The organisations, then the demo users on `town.nodes`; returns their account rows
    (role, username, password, name, scope) for the command to print."""
    _organisations(town.nodes)
    return _users(town.nodes)


def _organisations(nodes):
    Organisation.objects.create(name="杨舍镇人民政府", kind="government", node=nodes["town"])
    Organisation.objects.create(name="南庄社区居委会", kind="committee", node=nodes["c001"])
    for name in DEPARTMENTS:
        Organisation.objects.create(name=name, kind="department", node=nodes["town"])


def _users(nodes):
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


def link_demo_resident(town):
    """刘大爷's account linked to his registry record in 王芳's grid, as staff at the counter
    would (accounts/linking.py): the resident of that grid named 刘… (the care step names the
    oldest person living alone there 刘德福), else its oldest adult. Linked, he sees his
    community's matters, meetings and board (accounts/scoping.py)."""
    from gongzhi.accounts import linking
    from gongzhi.accounts.models import User
    from gongzhi.registry.choices import Status
    from gongzhi.registry.models import Resident

    user = User.objects.filter(username="liudaye", resident__isnull=True).first()
    grid = town.nodes.get("g001007") or town.nodes.get("g001001")
    if user is None or grid is None:
        return
    people = Resident.objects.filter(grid=grid, status=Status.ACTIVE).order_by("birth_date", "id")
    resident = people.filter(name__startswith="刘").first() or people.first()
    if resident is not None:
        linking.link(user, resident, reason="演示数据")
