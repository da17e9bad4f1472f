"""Categories get a visibility (public/private) and requests a 联系来电人 permission.

Existing categories are classified by their names as `public.suggested_visibility` does
today (the words are copied here so later edits there do not rewrite history): help,
health, family and neighbour disputes and reports about a person become private, the rest
(市容, 道路, 路灯 …) public. Administrators may change either afterwards."""
from django.db import migrations, models

PRIVATE_WORDS = ("救助", "困难", "低保", "特困", "帮扶", "医疗", "健康", "疾病", "患病", "病人", "就医", "心理",
                 "精神", "残疾", "纠纷", "邻里", "家庭", "婚姻", "家暴", "赡养", "抚养", "监护", "矫正", "举报",
                 "个人", "隐私")


def classify(apps, schema_editor):
    Category = apps.get_model("servicerequests", "Category")
    for category in Category.objects.all():
        private = any(w in category.name for w in PRIVATE_WORDS)
        Category.objects.filter(pk=category.pk).update(visibility="private" if private else "public")


class Migration(migrations.Migration):

    dependencies = [
        ('servicerequests', '0002_open311'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='servicerequest',
            options={'ordering': ['-received_at', '-case_ptr_id'], 'permissions': [('view_assigned', '查看派给本单位的诉求'), ('dispatch_servicerequest', '派单、审批延期、合并重复件'), ('handle_servicerequest', '承办诉求（签收、退回、延期申请、答复、办结）'), ('supervise_servicerequest', '督办超期诉求'), ('visit_servicerequest', '回访诉求人'), ('contact_requester', '联系来电人（查看诉求人完整电话，须说明用途）')], 'verbose_name': '诉求', 'verbose_name_plural': '诉求'},
        ),
        migrations.AddField(
            model_name='category',
            name='visibility',
            field=models.CharField(choices=[('public', '公开（位置模糊处理）'), ('private', '不公开')], default='private', help_text='不公开：求助、健康、家庭和邻里纠纷等涉及具体个人的分类，其诉求不出现在任何公开渠道。公开：诉求可出现在 Open311 等公开渠道，但坐标模糊到约 100 米，地址只显示到道路。', max_length=10, verbose_name='公开范围'),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
