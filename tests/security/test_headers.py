"""Every page carries a Content-Security-Policy that runs only our own script files, and
a Permissions-Policy; our templates hold no inline script or event handler."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/", "/relance/", "/parametres/", "/admin/", "/api/docs"]
)
def test_each_page_has_the_policies(client, alice, path):
    alice.is_staff = True
    alice.save()
    client.force_login(alice)
    response = client.get(path)
    assert response.status_code == 200
    csp = _directives(response["Content-Security-Policy"])
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no CDN
    assert csp["default-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in csp["style-src"]  # <style> elements: ours only
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in policy


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_of_ours_has_inline_script_or_handler():
    templates = [
        p
        for p in ROOT.rglob("templates/**/*.html")
        if ".venv" not in p.parts and "test-artifacts" not in p.parts
    ]
    assert len(templates) > 20
    found = []
    for p in templates:
        text = p.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or HANDLER.search(text) or "javascript:" in text:
            found.append(str(p.relative_to(ROOT)))
    assert not found, f"inline script or handler (refused by the CSP): {found}"
