"""French by default, English on request, and the English catalogue complete."""

import io
from pathlib import Path

from babel.messages.extract import extract
from babel.messages.pofile import read_po
from django.conf import settings
from django.utils.translation.template import templatize

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


# Every string marked for translation in the code and the templates, as `makemessages`
# would find it (Django's templatize turns a template into gettext calls Babel can read).
KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
}
SKIP = {".venv", "tests", "migrations", "test-artifacts", "var", "node_modules"}


def _sources():
    for path in sorted(Path(settings.BASE_DIR).rglob("*")):
        parts = set(path.relative_to(settings.BASE_DIR).parts)
        if parts & SKIP or path.suffix not in (".py", ".html", ".txt"):
            continue
        if path.suffix == ".py":
            yield path, path.read_text()
        elif "templates" in parts:
            text = templatize(path.read_text(), origin=str(path))
            # templatize keeps the template's indentation, which Python's tokenizer refuses.
            yield path, "\n".join(line.strip() for line in text.splitlines())


def _marked():
    """(file, msgid, context) of every string marked for translation."""
    for path, source in _sources():
        for _line, message, _comments, context in extract(
            "python", io.BytesIO(source.encode()), keywords=KEYWORDS
        ):
            first = message if isinstance(message, str) else message[0]
            if first:
                yield str(path.relative_to(settings.BASE_DIR)), first, context


def test_every_marked_string_of_every_app_is_in_the_catalogue():
    catalog = read_po(open(LOCALE / "en/LC_MESSAGES/django.po", "rb"))
    known = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalog}
    missing = sorted({(p, text, c) for p, text, c in _marked() if (text, c) not in known})
    assert missing == []


def test_the_banking_and_dashboard_screens_are_scanned():
    scanned = {path for path, _text, _context in _marked()}
    assert "web/templates/banking/statement.html" in scanned
    assert "web/templates/insight/dashboard.html" in scanned
    assert "banking/parsers.py" in scanned
