"""French by default, English on request, and the English catalogue complete."""

import re
from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings

LOCALE = Path(settings.BASE_DIR, "locale")


def test_french_by_default(alice_client, seed_docs):
    html = alice_client.get("/relance/").content.decode()
    assert '<html lang="fr">' in html and "Relance des factures" in html and "Rel mail" in html


def test_language_selector_switches_to_english(alice_client, seed_docs):
    response = alice_client.post(
        "/i18n/setlang/", {"language": "en", "next": "/relance/"}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Invoice reminders" in html and "Rem. mail" in html and "Days late" in html
    assert "Relance 1 — To do" in html
    assert "hide direct debits" in html


def test_english_catalogue_is_complete():
    catalog = read_po(open(LOCALE / "en/LC_MESSAGES/django.po", "rb"))
    untranslated = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not (m.string if isinstance(m.string, str) else all(m.string)))
    ]
    assert untranslated == []


def test_every_template_string_is_in_the_catalogue():
    catalog = read_po(open(LOCALE / "en/LC_MESSAGES/django.po", "rb"))
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog}
    missing = []
    for template in Path(settings.BASE_DIR, "web/templates").rglob("*.html"):
        for text in re.findall(r'{% translate "([^"]+)"', template.read_text()):
            if text not in known:
                missing.append((template.name, text))
    assert missing == []
