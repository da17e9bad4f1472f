"""`gongzhi demo --residents N --seed S`: build the deterministic demo town."""

from django.core.management.base import BaseCommand, CommandError

from gongzhi.core import manifest
from gongzhi.core.demo.town import DemoTown


class Command(BaseCommand):
    help = "生成演示城镇（确定性的区划、网格、楼栋、单位、住户、居民和演示账号）"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=5000, help="居民人数（约数）")
        parser.add_argument("--seed", type=int, default=1, help="随机种子：相同种子生成相同数据")
        parser.add_argument("--grids", type=int, default=8, help="每个社区/村的网格数")
        parser.add_argument("--if-empty", action="store_true", help="数据库已有区划时什么也不做")

    def handle(self, *args, residents, seed, grids, if_empty, **opts):
        if any(step.exists() for step in manifest.demo_steps() if step.exists is not None):
            if if_empty:
                self.stdout.write("数据库已有数据，跳过演示数据。演示账号密码：gongzhi-demo-2026（如为演示库）")
                return
            raise CommandError("数据库已有区划数据；演示数据只能生成在空库中（或使用 --if-empty）")
        if residents < 1:
            raise CommandError("--residents 必须大于 0")
        self.stdout.write(f"生成演示城镇：约 {residents} 位居民，种子 {seed}")
        users = DemoTown(residents, seed, grids_per_community=grids, out=self.stdout.write).build()
        self.stdout.write("\n演示账号（角色 / 用户名 / 密码 / 姓名 / 范围）:")
        for role, username, password, display, scope in users:
            self.stdout.write(f"  {role:<11} {username:<14} {password}  {display}（{scope}）")
