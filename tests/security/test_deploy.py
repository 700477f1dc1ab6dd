import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    full_env = {**os.environ, **env}
    full_env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        RELANCE_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="relance.example.com",
        RELANCE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", RELANCE_PRODUCTION="1", SECRET_KEY="", RELANCE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_debug_refuses_to_start_without_a_secret_key(tmp_path):
    result = _manage("check", DEBUG="1", SECRET_KEY="", RELANCE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is on" in result.stderr


def test_the_demo_and_the_tests_start_without_a_secret_key(tmp_path):
    demo = _manage(
        "check", DEBUG="1", RELANCE_DEMO="1", SECRET_KEY="", RELANCE_DATA_DIR=str(tmp_path)
    )
    assert demo.returncode == 0, demo.stderr
    plain = _manage("check", DEBUG="0", SECRET_KEY="", RELANCE_DATA_DIR=str(tmp_path))
    assert plain.returncode == 0, plain.stderr
    with_key = _manage("check", DEBUG="1", SECRET_KEY="k" * 50, RELANCE_DATA_DIR=str(tmp_path))
    assert with_key.returncode == 0, with_key.stderr
