"""Seed the workflow templates of the source documents. Templates are data: a town adds or
edits its local variant in the admin."""
from django.db import migrations

ASSEMBLY = "villager_assembly,villager_reps"

# code, name, description, [(order, name, kind, body kinds, merges with previous, note)]
TEMPLATES = [
    ("siyi_liang_gongkai", "四议两公开", "村级重大事项决策：党组织提议、两委商议、党员大会审议、村民（代表）会议决议、决议公开、实施结果公开。", [
        (1, "村党组织提议", "record", "", False, ""),
        (2, "村两委会议商议", "vote", "two_committees", True, "村党组织书记和村委会主任一人兼任时，可与第一步合并进行。"),
        (3, "党员大会审议", "vote", "party_members", False, "应到党员三分之二以上到会，到会党员过半数同意。"),
        (4, "村民会议或村民代表会议决议", "vote", ASSEMBLY, False, "按村民委员会组织法规定的法定人数和表决比例。"),
        (5, "决议公开", "disclose", "", False, ""),
        (6, "实施结果公开", "disclose", "", False, ""),
    ]),
    ("five_step", "民事民提、民议、民决、民办、民评", "居民提出、议事会协商、会议决定、居民参与实施、居民评议。", [
        (1, "民事民提", "record", "", False, "居民提出并联署。"),
        (2, "民事民议", "vote", "council", False, "议事会协商。"),
        (3, "民事民决", "vote", "resident_assembly,resident_reps,members_congress,villager_assembly,villager_reps,council",
         False, "按议题性质由居民会议、代表会议或议事会决定。"),
        (4, "民事民办", "record", "", False, "落实责任人和进度。"),
        (5, "民事民评", "record", "", False, "居民评议实施效果。"),
    ]),
    ("shenyang", "议事会协商、成员代表大会决定（沈阳模式）", "议事会协商同意后方可提交社区成员代表大会决定，居委会执行。", [
        (1, "议事会协商", "vote", "council", False, "议事会同意后方可提交大会。"),
        (2, "社区成员代表大会决定", "vote", "members_congress", False, ""),
        (3, "居委会执行", "record", "", False, ""),
        (4, "结果公开", "disclose", "", False, ""),
    ]),
]


def seed(apps, schema_editor):
    Template = apps.get_model("consultation", "WorkflowTemplate")
    Step = apps.get_model("consultation", "WorkflowStep")
    for code, name, description, steps in TEMPLATES:
        template, created = Template.objects.get_or_create(code=code, defaults={"name": name, "description": description})
        if not created:
            continue
        for order, step_name, kind, body_kinds, merges, note in steps:
            Step.objects.create(template=template, order=order, name=step_name, kind=kind, body_kinds=body_kinds,
                                merges_with_previous=merges, note=note)


def unseed(apps, schema_editor):
    apps.get_model("consultation", "WorkflowTemplate").objects.filter(code__in=[t[0] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("consultation", "0005_workflow_templates")]
    operations = [migrations.RunPython(seed, unseed)]
