"""Letters: many letters into ONE printable PDF (A4, French window envelope).

"Sending" a letter means producing the PDF a person prints and posts. All the letters
of a run go into one PDF (printing.pdf: a long run renders in parts, one per core).
"""

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from django.template import Context, Engine

# Our own layout (never user text): a private engine so `channels` needs no app entry.
_engine = Engine(dirs=[str(Path(__file__).parent / "templates")], autoescape=True)


def render_to_string(name: str, context: dict) -> str:
    return _engine.get_template(name).render(Context(context))


@dataclass
class Letterhead:
    name: str
    address_lines: list[str]
    contact: str = ""
    legal: str = ""
    footer: str = ""
    logo_path: str = ""  # a stored file: the PDF renderer is allowed this one by name

    @property
    def logo_url(self) -> str:
        return Path(self.logo_path).as_uri() if self.logo_path else ""

    # Line lists print as one pre-line block each: far cheaper than a box per line.
    @property
    def address_text(self) -> str:
        return "\n".join(self.address_lines)

    @property
    def contact_text(self) -> str:
        return "\n".join(p for p in (self.contact, self.legal) if p)


@dataclass
class Letter:
    head: Letterhead
    recipient: list[str]
    place_date: str
    subject: str
    body_html: str  # already substituted and escaped by the caller
    reference: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def recipient_text(self) -> str:
        return "\n".join(self.recipient)


def letter_html(letter: Letter) -> str:
    """One letter as an HTML section (also shown as the preview)."""
    return render_to_string("letter.html", {"l": letter})


_SECTIONS = "<!-- sections -->"


def _frame() -> tuple[str, str]:
    """document.html (page set-up and style sheet) around its letters: (head, tail)."""
    head, tail = render_to_string("document.html", {"sections": _SECTIONS}).split(_SECTIONS)
    return head, tail


def document_html(letters: list[Letter]) -> str:
    head, tail = _frame()
    return head + "\n".join(letter_html(letter) for letter in letters) + tail


class LetterChannel:
    def send(self, letters: list[Letter]) -> tuple[bytes, int]:
        """Render every letter into one PDF: (pdf bytes, page count)."""
        from printing.pdf import sections_to_pdf

        if not letters:
            raise ValueError("no letter to print")
        head, tail = _frame()
        logos = {letter.head.logo_path for letter in letters if letter.head.logo_path}
        return sections_to_pdf(head, [letter_html(letter) for letter in letters], tail, logos)


def plain_to_html(text: str) -> str:
    return "".join(f"<p>{escape(p).replace(chr(10), '<br>')}</p>" for p in text.split("\n\n"))
