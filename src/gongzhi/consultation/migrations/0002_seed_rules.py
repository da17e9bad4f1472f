"""Seed the legal rules of meetings. The numbers here are the starting data; administrators
correct them in the admin (audited), so a revised law needs no release.

村委法 = 中华人民共和国村民委员会组织法 (2018 numbering; amended 2025-10-28, in force
2026-01-01 — article numbers to verify). 居组法 = 中华人民共和国城市居民委员会组织法
(1989/2018 numbering; fully revised 2025-10-28 with a new chapter 4 on 居民代表会议 — verify).
"""
from django.db import migrations

VILLAGE_LAW = "中华人民共和国村民委员会组织法"
RESIDENT_LAW = "中华人民共和国城市居民委员会组织法"

# code, name, law, article, quorum (num, den, strict, basis), pass (num, den, strict, basis),
# notice days, convene (num, den), verify, note
RULES = [
    # 村委法 Art. 21 (convening on 1/10 of villagers, 10 days' notice) and Art. 22 (quorum, passing).
    ("villager_assembly_adults", "村民会议（18周岁以上村民）", VILLAGE_LAW, "第二十一条、第二十二条",
     (1, 2, True, "present"), (1, 2, True, "present"), 10, (1, 10), False,
     "应有本村十八周岁以上村民的过半数参加，所作决定应当经到会人员的过半数通过；有十分之一以上村民提议应当召集；提前十天通知。"),
    ("villager_assembly_households", "村民会议（户的代表）", VILLAGE_LAW, "第二十一条、第二十二条",
     (2, 3, False, "present"), (1, 2, True, "present"), 10, (1, 10), False,
     "或者有本村三分之二以上的户的代表参加，所作决定应当经到会人员的过半数通过。"),
    # 村委法 Art. 25 (composition; convening on 1/5 of representatives) and Art. 26 (quorum, passing).
    ("villager_representatives", "村民代表会议", VILLAGE_LAW, "第二十五条、第二十六条",
     (2, 3, False, "present"), (1, 2, True, "present"), None, (1, 5), False,
     "有三分之二以上的组成人员参加方可召开，所作决定应当经到会人员的过半数同意；每季度召开一次，五分之一以上代表提议应当召集。"),
    # 村委法 Art. 28 — verify.
    ("villager_group_adults", "村民小组会议（18周岁以上村民）", VILLAGE_LAW, "第二十八条",
     (2, 3, False, "present"), (1, 2, True, "present"), None, None, True,
     "应有本村民小组十八周岁以上的村民三分之二以上参加，所作决定应当经到会人员的过半数同意。"),
    ("villager_group_households", "村民小组会议（户的代表）", VILLAGE_LAW, "第二十八条",
     (2, 3, False, "present"), (1, 2, True, "present"), None, None, True,
     "或者本村民小组三分之二以上的户的代表参加，所作决定应当经到会人员的过半数同意。"),
    # 居组法 Art. 9 (2018 numbering) — verify against the 2025 revision.
    ("resident_assembly", "居民会议", RESIDENT_LAW, "第九条",
     (1, 2, True, "present"), (1, 2, True, "present"), None, (1, 5), True,
     "必须有全体十八周岁以上的居民、户的代表或者居民小组选举的代表的过半数出席，才能举行；会议的决定由出席人的过半数通过；"
     "五分之一以上的十八周岁以上居民、五分之一以上的户或者三分之一以上的居民小组提议，应当召集。"),
    # 居组法 2025 revision, chapter 4 — verify; local rules apply until confirmed.
    ("resident_representatives", "居民代表会议", RESIDENT_LAW, "第四章（2025年修订）",
     (2, 3, False, "present"), (1, 2, True, "present"), None, None, True,
     "三分之二以上组成人员出席方可召开，决定经到会人员过半数同意（以修订后条文和本地规定为准）。"),
    # 四议两公开 step 3.
    ("party_members", "党员大会审议（四议两公开第三步）", "四议两公开工作法", "第三步",
     (2, 3, False, "present"), (1, 2, True, "present"), None, None, False,
     "应到党员三分之二以上到会，到会党员过半数同意。"),
    # 村委法 Art. 16: recall — cannot be delegated to the 村民代表会议.
    ("recall", "罢免村民委员会成员", VILLAGE_LAW, "第十六条",
     (1, 2, True, "cast"), (1, 2, True, "cast"), None, (1, 5), False,
     "须有登记参加选举的村民过半数投票，并须经投票的村民过半数通过；本村五分之一以上有选举权的村民或者三分之一以上的村民代表联名可以提出罢免要求。"),
    # Local rules: no national statute; defaults follow common 议事规则 and are meant to be edited.
    ("council", "议事会（本地议事规则）", "本社区议事会章程", "",
     (2, 3, False, "present"), (1, 2, True, "present"), None, None, True,
     "各地章程不一：默认三分之二以上成员出席，到会成员过半数同意。请按本社区章程修改。"),
    ("two_committees", "两委联席会议（本地规则）", "本村（社区）议事规则", "",
     (1, 2, True, "present"), (1, 2, True, "present"), None, None, True,
     "默认过半数成员到会，到会成员过半数同意。请按本地规则修改。"),
    ("members_congress", "社区成员代表大会（本地章程）", "本社区成员代表大会章程", "",
     (2, 3, False, "present"), (1, 2, True, "present"), None, None, True,
     "沈阳模式：议事会协商同意后提交大会决定。默认三分之二以上代表出席，到会代表过半数同意。"),
]


def seed(apps, schema_editor):
    BodyRule = apps.get_model("consultation", "BodyRule")
    for code, name, law, article, q, p, notice, convene, verify, note in RULES:
        BodyRule.objects.update_or_create(code=code, defaults=dict(
            name=name, law=law, article=article,
            quorum_num=q[0], quorum_den=q[1], quorum_strict=q[2], quorum_basis=q[3],
            pass_num=p[0], pass_den=p[1], pass_strict=p[2], pass_basis=p[3],
            notice_days=notice, convene_num=convene[0] if convene else None, convene_den=convene[1] if convene else None,
            verify=verify, note=note,
        ))


def unseed(apps, schema_editor):
    BodyRule = apps.get_model("consultation", "BodyRule")
    BodyRule.objects.filter(code__in=[r[0] for r in RULES], bodies__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("consultation", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
