"""The `gongzhi` command: Django's manage.py under the project's name.

Every management command works through it (`gongzhi migrate`, `gongzhi shell`,
`gongzhi import residents FILE`, `gongzhi demo`, `gongzhi createuser`).
"""

import os
import sys


def main(argv=None):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongzhi.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv or sys.argv)


if __name__ == "__main__":
    main()
