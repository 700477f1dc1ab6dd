"""The `relance` console script: Django's management commands under one name.

`relance import FILE`, `relance scan`, ... are management commands of the apps.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["relance", *sys.argv[1:]])
