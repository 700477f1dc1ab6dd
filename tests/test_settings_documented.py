"""Every RELANCE_* knob is defined once, in relance/settings.py, read from the environment,
and listed in the admin guide; the guide names no knob that does not exist."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["printing", "receivables", "dunning", "reminders", "channels", "banking", "insight"]
PACKAGES += ["portal", "web", "api", "relance"]
NAME = re.compile(r"\bRELANCE_[A-Z][A-Z0-9_]*[A-Z0-9]\b")
READ_FROM_ENVIRONMENT = re.compile(
    r"""(?:os\.environ(?:\.get)?\(|os\.environ\[|env_bool\()\s*["'](RELANCE_[A-Z0-9_]+)["']"""
)


def _settings_source() -> str:
    return (ROOT / "relance" / "settings.py").read_text(encoding="utf-8")


def _code_outside_settings():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts and path.name != "settings.py":
                yield path, path.read_text(encoding="utf-8")


def test_every_knob_the_code_reads_is_defined_in_settings():
    missing = {
        f"{path.relative_to(ROOT)}: {name}"
        for path, text in _code_outside_settings()
        for name in NAME.findall(text)
        if not hasattr(settings, name)
        and name not in READ_FROM_ENVIRONMENT.findall(_settings_source())
    }
    assert missing == set(), "define these in relance/settings.py: " + ", ".join(sorted(missing))


def test_no_module_but_settings_reads_the_environment_for_a_knob():
    readers = {
        str(path.relative_to(ROOT))
        for path, text in _code_outside_settings()
        if READ_FROM_ENVIRONMENT.search(text)
    }
    assert readers == set()


def test_the_admin_guide_lists_every_knob_read_from_the_environment_and_no_unknown_one():
    read = set(READ_FROM_ENVIRONMENT.findall(_settings_source()))
    guide = set(NAME.findall((ROOT / "docs" / "admin-guide.md").read_text(encoding="utf-8")))
    assert read - guide == set(), "undocumented in docs/admin-guide.md"
    # a knob set in settings.py only (not from the environment), like RELANCE_CHANNELS,
    # may be named too; one that exists nowhere may not
    assert {name for name in guide - read if not hasattr(settings, name)} == set(), (
        "documented but defined nowhere"
    )
