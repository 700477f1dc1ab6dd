"""deploy/: the environment template names every setting Relance reads, and nothing else;
the systemd units run commands that exist."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = re.compile(
    r"""(?:os\.environ(?:\.get)?\(|os\.environ\[|env_bool\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)
GUNICORN = {"BIND", "WEB_CONCURRENCY", "WEB_TIMEOUT"}  # deploy/gunicorn.conf.py's own


def _template_names() -> set[str]:
    text = (ROOT / "deploy" / "relance.env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^(?:# )?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_the_environment_template_names_exactly_the_settings_read():
    settings_py = (ROOT / "relance" / "settings.py").read_text(encoding="utf-8")
    read = set(READ.findall(settings_py)) | {"DATABASE_URL"}  # dj_database_url reads it
    gunicorn = set(READ.findall((ROOT / "deploy" / "gunicorn.conf.py").read_text()))
    assert (
        gunicorn - {"PROMETHEUS_MULTIPROC_DIR", "FORWARDED_ALLOW_IPS", "GUNICORN_LOG_LEVEL"}
        == GUNICORN
    )
    named = _template_names()
    assert read - named == set(), "missing from deploy/relance.env.example"
    assert named - read - GUNICORN == set(), "named in the template but read nowhere"


def test_the_units_start_relance_commands_that_exist():
    units = (ROOT / "deploy" / "systemd").glob("*.service")
    commands = set()
    for unit in units:
        for line in unit.read_text().splitlines():
            if line.startswith("Exec") and (match := re.search(r"/bin/relance (\w+)", line)):
                commands.add(match[1])
    assert commands == {"rqworker", "rqscheduler", "schedule", "backup"}
    listed = subprocess.run(
        [sys.executable, "manage.py", "help", "--commands"],
        cwd=ROOT, capture_output=True, text=True, check=True,
        env={"TASKS_BACKEND": "rq", "PATH": "/usr/bin:/bin", "RELANCE_DATA_DIR": "/tmp"},
    ).stdout.split()  # fmt: skip
    assert commands - set(listed) == set()
