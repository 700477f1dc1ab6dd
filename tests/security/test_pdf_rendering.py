"""A template cannot make a PDF read a file, reach the network or carry an attachment.

Each payload goes into a letter template the way a company admin would put it there,
and straight into the renderer (as HTML written before templates were cleaned would).
A real HTTP listener on loopback counts the requests; a real file holds a secret.
"""

import io
import os
import re
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from dunning.invoice_pdf import ensure_invoice_pdf
from printing.pdf import html_to_pdf, sections_to_pdf
from reminders.batches import create_batch
from reminders.defaults import WORDING, paragraphs_to_html
from reminders.letters import letters_pdf
from reminders.models import Template
from reminders.preview import preview_batch
from tests.reminders.conftest import AS_OF, dunning_setup, late_invoice, media  # noqa: F401

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5b5c6e80000000049454e44ae426082"
)
OUTSIDE = "OUTSIDE-CONTENT"  # what the listener's style sheets would print

PAYLOADS = {
    "link-attachment-environ": '<link rel="attachment" href="file:///proc/self/environ">',
    "link-attachment-file": '<link rel="attachment" href="{file_url}">',
    "link-attachment-relative": '<link rel="attachment" href="{relative}">',
    "a-attachment-file": '<a rel="attachment" href="{file_url}">pièce jointe</a>',
    "a-attachment-data": '<a rel="attachment" href="data:text/plain,embedded">pièce</a>',
    "img-http": '<img src="{http}/img.png" alt="">',
    "css-url-in-style-attribute": '<p style="background-image: url({http}/attr.png)">x</p>',
    "css-url-in-style-element": "<style>p {{ background: url({http}/style.png) }}</style>",
    "css-import": "<style>@import url({http}/import.css);</style>",
    "font-face": (
        "<style>@font-face {{ font-family: Evil; src: url({http}/font.ttf) }}"
        " p {{ font-family: Evil }}</style>"
    ),
    "link-stylesheet": '<link rel="stylesheet" href="{http}/sheet.css">',
    "svg-image": '<svg width="20" height="20"><image href="{http}/svg.png" width="20"/></svg>',
}


class _Listener(BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path.endswith(".css"):
            body, kind = f'body::after {{ content: "{OUTSIDE}" }}'.encode(), "text/css"
        else:
            body, kind = PNG_1PX, "image/png"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def listener():
    """A real HTTP server on a free loopback port; `.hits` lists the paths asked for."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Listener)
    server.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7f3a9c: do not print")
    return path


def _environ_marker() -> str:
    """The longest entry of this process's /proc/self/environ: it must never be in a PDF."""
    entries = Path("/proc/self/environ").read_bytes().split(b"\0")
    return max(entries, key=len).decode(errors="replace")


def _payload(name: str, secret: Path, listener) -> str:
    return PAYLOADS[name].format(
        file_url=secret.as_uri(),
        relative=os.path.relpath(secret, settings.BASE_DIR),
        http=f"http://127.0.0.1:{listener.server_port}",
    )


def _plain(pdf: bytes) -> bytes:
    """The PDF's bytes with every compressed stream inflated."""
    out = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"\n".join(out)


def assert_clean(pdf: bytes, secret: Path, listener) -> str:
    """No attachment, no outside content, no request: returns the PDF's text."""
    reader = PdfReader(io.BytesIO(pdf))
    names = sorted(reader.attachments)  # names only: the contents may be secrets
    assert names == [], "the PDF carries an attachment"
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert annot.get_object().get("/Subtype") != "/FileAttachment"
    text = " ".join(page.extract_text() for page in reader.pages)
    plain = _plain(pdf)
    for outside in (secret.read_text(), _environ_marker(), OUTSIDE):
        assert outside not in text
        assert outside.encode() not in plain
    assert listener.hits == [], f"the server was asked for {listener.hits}"
    return text


def _letter_template(company) -> Template:
    return Template.objects.get(
        company=company,
        channel="letter",
        language="fr",
        level__rank=5,
        level__policy__kind="invoice",
        level__policy__is_default=True,
    )


def _email_template(company) -> Template:
    return Template.objects.get(
        company=company,
        channel="email",
        language="fr",
        level__rank=2,
        level__policy__kind="invoice",
        level__policy__is_default=True,
    )


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_a_letter_template_cannot_attach_read_or_fetch(
    name,
    company,
    late_invoice,  # noqa: F811
    secret,
    listener,
):
    template = _letter_template(company)
    body = "<p>Madame, Monsieur, %CLIENT% nous doit %SOLDE%.</p>" + _payload(name, secret, listener)
    # as a template stored before templates were cleaned on save: the render cleans too
    Template.objects.filter(pk=template.pk).update(body_html=body)
    batch = create_batch(
        company, [late_invoice(with_pdf=False, pending_level=5)], channel="letter", as_of=AS_OF
    )
    text = assert_clean(letters_pdf(batch)[0], secret, listener)
    assert "Madame, Monsieur, ANYWAY SARL nous doit 720,00" in text


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_the_pdf_renderer_itself_serves_no_file_no_url_and_no_attachment(
    name, db, secret, listener
):
    """Whatever HTML reaches it (a reminder worded before the cleaning, a layout bug)."""
    html = (
        f"<!doctype html><html><body><p>Lettre</p>{_payload(name, secret, listener)}</body></html>"
    )
    assert "Lettre" in assert_clean(html_to_pdf(html), secret, listener)
    head, tail = "<!doctype html><html><body>", "</body></html>"
    section = f"<section><p>Lettre</p>{_payload(name, secret, listener)}</section>"
    pdf, pages = sections_to_pdf(head, [section], tail)
    assert pages == 1 and "Lettre" in assert_clean(pdf, secret, listener)


def test_an_e_mail_template_is_cleaned_when_worded(company, late_invoice, secret, listener):  # noqa: F811
    template = _email_template(company)
    body = (
        '<p onclick="steal()">Bonjour %CLIENT%,</p><script>alert(1)</script>'
        + _payload("link-attachment-environ", secret, listener)
        + _payload("css-import", secret, listener)
        + '<img src="http://127.0.0.1:9/pixel.png" onerror="x()">'
    )
    Template.objects.filter(pk=template.pk).update(body_html=body)
    message = preview_batch(company, [late_invoice()], channel="email", as_of=AS_OF).messages[0]
    html = message.body_html.lower()
    assert "bonjour anyway sarl" in html
    for banned in ("<script", "onclick", "onerror", "<link", "<style", "@import", "http://127"):
        assert banned not in html


CLEANED = (
    '<p onmouseover="alert(1)" style="color: #c00; background: url(http://127.0.0.1:9/x)">'
    "Rappel n° %NB_RAPPELS% pour %CLIENT% : %SOLDE%</p>"
    '<script>fetch("http://127.0.0.1:9")</script>'
    '<link rel="attachment" href="file:///proc/self/environ">'
    '<a href="https://pay.example/facture" rel="attachment" onclick="x()">Payer</a>'
    '<img src="file:///etc/passwd" onerror="x()" alt="">'
    "<style>@import url(http://127.0.0.1:9/a.css);</style>%LISTE_PIECES%"
)


def _assert_cleaned(html: str) -> None:
    for banned in ("<script", "onmouseover", "onclick", "onerror", "<link", "attachment"):
        assert banned not in html
    for banned in ("file:", "url(", "<style", "@import", "127.0.0.1"):
        assert banned not in html
    for kept in ("%NB_RAPPELS%", "%CLIENT%", "%SOLDE%", "%LISTE_PIECES%", "color"):
        assert kept in html
    assert '<a href="https://pay.example/facture">Payer</a>' in html


def test_a_saved_template_is_cleaned_and_keeps_its_keywords(company, dunning_setup):  # noqa: F811
    template = _letter_template(company)
    template.body_html = CLEANED
    template.save()  # the admin, the API and any import save this way
    template.refresh_from_db()
    _assert_cleaned(template.body_html)


def test_the_template_screen_saves_a_cleaned_template(alice_client, company, dunning_setup):  # noqa: F811
    template = _letter_template(company)
    r = alice_client.post(
        f"/parametres/modeles/{template.pk}/",
        {
            "level": template.level_id,
            "channel": template.channel,
            "language": template.language,
            "subject": "Mise en demeure %NUMERO%",
            "body_text": "",
            "body_html": CLEANED,
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    template.refresh_from_db()
    _assert_cleaned(template.body_html)
    page = alice_client.get(r["Location"]).content.decode()
    assert "Retiré du HTML" in page  # the person who wrote it is told what was taken
    assert "&lt;script&gt;" in page and "onmouseover" in page and "&lt;link&gt;" in page


def test_our_default_wording_comes_through_the_cleaning_unchanged():
    """The cleaning takes nothing from the words we ship: e-mails and letters look as before."""
    from reminders.sanitize import clean_html  # here: the module is new

    for tone, languages in WORDING.items():
        for language, (_subject, paragraphs) in languages.items():
            html = paragraphs_to_html(paragraphs)
            assert clean_html(html) == html, (tone, language)


def _image_sizes(pdf: bytes) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        objects = (page["/Resources"].get("/XObject") or {}).values()
        for xobject in (o.get_object() for o in objects):
            if xobject.get("/Subtype") == "/Image":
                sizes.append((int(xobject["/Width"]), int(xobject["/Height"])))
    return sizes


def test_the_company_logo_still_prints_on_letters_and_invoices(
    company,
    late_invoice,  # noqa: F811
):
    from django.core.files.base import ContentFile
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (300, 90), "#1f3a5f").save(out, "PNG")
    company.logo.save("logo.png", ContentFile(out.getvalue()))
    doc = late_invoice(with_pdf=False, pending_level=5)
    batch = create_batch(company, [doc], channel="letter", as_of=AS_OF)
    assert (300, 90) in _image_sizes(letters_pdf(batch)[0])
    assert (300, 90) in _image_sizes(ensure_invoice_pdf(doc))
