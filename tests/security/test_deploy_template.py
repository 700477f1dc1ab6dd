"""The deploy template (deploy/relance.env.example) as an operator fills it: Django's
deployment checks are clean, and the pages carry the production headers and cookies."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEADERS = """
from django.test import Client
import json
r = Client().get("/accounts/login/", secure=True, HTTP_HOST="relance.example.com")
plain = Client().get("/accounts/login/", HTTP_HOST="relance.example.com")
csrf = r.cookies["csrftoken"]
print(json.dumps({
    "status": r.status_code, "plain": plain.status_code, "to": plain.get("Location", ""),
    "hsts": r.get("Strict-Transport-Security", ""), "frame": r.get("X-Frame-Options", ""),
    "referrer": r.get("Referrer-Policy", ""), "nosniff": r.get("X-Content-Type-Options", ""),
    "csp": r.get("Content-Security-Policy", ""), "csrf_secure": bool(csrf["secure"]),
}))
"""


def _template_env(tmp_path) -> dict:
    text = (ROOT / "deploy" / "relance.env.example").read_text(encoding="utf-8")
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]+)=(\S*)", text, flags=re.MULTILINE))
    values.update(SECRET_KEY=secrets.token_urlsafe(50), RELANCE_DATA_DIR=str(tmp_path))
    values["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"  # no server for checks
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("RELANCE_", "DATABASE"))}
    return {**keep, **values}


def _manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_check_deploy_is_clean_with_the_template(tmp_path):
    result = _manage(_template_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_template_gives_hsts_secure_cookies_and_the_security_headers(tmp_path):
    result = _manage(_template_env(tmp_path), "shell", "-c", HEADERS)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert seen["plain"] == 301 and seen["to"].startswith("https://relance.example.com/")
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert seen["frame"] == "DENY"
    assert seen["referrer"] == "same-origin"
    assert seen["nosniff"] == "nosniff"
    assert (
        "script-src 'self'" in seen["csp"]
        and "'unsafe-inline'" not in seen["csp"].split("style-src-attr")[0]
    )
    assert seen["csrf_secure"]
