"""A separate process that publishes on a disclosure board about 20 times a second until the
file named in argv[2] appears; run by tests/core/test_backup.py against the database in
DATABASE_URL. Prints "ready" once it has written, then the number of publications at the end."""

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
import django  # noqa: E402

django.setup()

from gongzhi.consultation import services  # noqa: E402
from gongzhi.core import audit  # noqa: E402
from gongzhi.territory import services as territory  # noqa: E402
from gongzhi.territory.models import Node  # noqa: E402


def community():
    node = Node.objects.filter(code="320582100001").first()
    if node:
        return node
    d = territory.create_node(kind="district", code="320582", name="张家港市")
    t = territory.create_node(parent=d, kind="town", code="320582100", name="杨舍镇")
    return territory.create_node(parent=t, kind="community", code="320582100001", name="南庄社区")


def main(rate, stop):
    written = 0
    with audit.acting(source="system"):
        node = community()
        while not Path(stop).exists():
            services.publish(node=node, kind="affairs", title=f"第{written + 1}次公开", body="持续写入" * 20)
            written += 1
            if written == 5:
                print("ready", flush=True)
            time.sleep(1 / rate)
    print(written, flush=True)


if __name__ == "__main__":
    main(float(sys.argv[1]), sys.argv[2])
