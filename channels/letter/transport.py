"""Letters: many letters into ONE printable PDF (A4, French window envelope).

"Sending" a letter means producing the PDF a person prints and posts. All the letters
of a run go into one PDF (printing.pdf: a long run renders in parts, one per core).
The page layout is this plug-in's: the core asks `layout()` for a letter's preview.
"""

from pathlib import Path

from django.template import Context, Engine

from printing.pdf import sections_to_pdf
from reminders.delivery import Letter

# Our own layout (never user text): a private engine so `channels` needs no app entry.
_engine = Engine(dirs=[str(Path(__file__).parent / "templates")], autoescape=True)


def render_to_string(name: str, context: dict) -> str:
    return _engine.get_template(name).render(Context(context))


def letter_html(letter: Letter) -> str:
    """One letter as an HTML section (also shown as the preview)."""
    return render_to_string("letter.html", {"l": letter})


_SECTIONS = "<!-- sections -->"


def _frame() -> tuple[str, str]:
    """document.html (page set-up and style sheet) around its letters: (head, tail)."""
    head, tail = render_to_string("document.html", {"sections": _SECTIONS}).split(_SECTIONS)
    return head, tail


class LetterChannel:
    """The transport of the `letter` kind (RELANCE_CHANNELS)."""

    def layout(self, letter: Letter) -> str:
        """One letter's page as HTML: the preview shows it, the PDF prints it."""
        return letter_html(letter)

    def send(self, letters: list[Letter]) -> tuple[bytes, int]:
        """Render every letter into one PDF: (pdf bytes, page count)."""
        if not letters:
            raise ValueError("no letter to print")
        head, tail = _frame()
        logos = {letter.head.logo_path for letter in letters if letter.head.logo_path}
        sections = (letter_html(letter) for letter in letters)  # built as the parts go
        return sections_to_pdf(head, sections, tail, logos, count=len(letters))
