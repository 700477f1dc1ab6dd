"""A printed letter never strands a part of itself: its legal mentions alone on a last
page, or the title of its reckoning at the foot of a page whose table went to the next."""

import io

from pypdf import PdfReader

from channels.letter.transport import LetterChannel
from reminders.delivery import Letter, Letterhead

MENTIONS = "Pénalités de retard au taux BCE + 10 points ; indemnité forfaitaire de 40 €."


def _letter(paragraphs: int, after: str = "") -> Letter:
    head = Letterhead(
        name="Atelier Dupont SARL",
        address_lines=["1 place du Marché", "35000 Rennes"],
        contact="compta@dupont.example",
        footer=MENTIONS,
    )
    body = "".join(
        f"<p>Paragraphe {i} de la lettre, assez long pour tenir toute la largeur.</p>"
        for i in range(paragraphs)
    )
    return Letter(
        head=head,
        recipient=["Client SARL", "2 rue des Lilas", "75011 Paris"],
        place_date="Rennes, le 4 décembre 2026",
        subject="Relance",
        body_html=body + after,
    )


def _pages(letter: Letter) -> list[str]:
    pdf, pages = LetterChannel().send([letter])
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert len(texts) == pages
    return texts


def test_the_legal_mentions_never_stand_alone_on_a_page():
    # From a body that leaves room for the mentions to one that needs a second page:
    # somewhere in between, the mentions alone no longer fit under the last paragraph.
    spilled = 0
    for paragraphs in range(14, 32):
        texts = _pages(_letter(paragraphs))
        assert "Pénalités de retard" in texts[-1], paragraphs  # they close the letter
        if len(texts) > 1:
            spilled += 1
            assert "Paragraphe" in texts[-1], f"{paragraphs}: {texts[-1]!r}"
    assert spilled  # the range does reach a second page


RECKONING = (
    '<table class="reckoning"><caption>Décompte au 4 décembre 2026</caption>'
    + "".join(
        f'<tr><td>Solde de F-{i}</td><td class="amount">12{i},00 €</td></tr>' for i in range(8)
    )
    + "</table>"
)


def test_the_reckonings_title_goes_over_with_its_table():
    # The table is kept whole (break-inside: avoid): pushed to the next page, it takes its
    # title along instead of leaving it at the foot of the page before.
    moved = 0
    for paragraphs in range(4, 26):
        texts = _pages(_letter(paragraphs, after=RECKONING))
        with_title = next(text for text in texts if "Décompte au" in text)
        assert "Solde de F-0" in with_title, f"{paragraphs}: {with_title!r}"
        moved += "Décompte au" not in texts[0]
    assert moved  # the range does push the table to a second page
