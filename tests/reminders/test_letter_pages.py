"""A printed letter never ends on a page that holds nothing but its legal mentions."""

import io

from pypdf import PdfReader

from channels.letter.transport import LetterChannel
from reminders.delivery import Letter, Letterhead

MENTIONS = "Pénalités de retard au taux BCE + 10 points ; indemnité forfaitaire de 40 €."


def _letter(paragraphs: int) -> Letter:
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
        body_html=body,
    )


def test_the_legal_mentions_never_stand_alone_on_a_page():
    # From a body that leaves room for the mentions to one that needs a second page:
    # somewhere in between, the mentions alone no longer fit under the last paragraph.
    spilled = 0
    for paragraphs in range(14, 32):
        pdf, pages = LetterChannel().send([_letter(paragraphs)])
        texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
        assert len(texts) == pages
        assert "Pénalités de retard" in texts[-1], paragraphs  # they close the letter
        if pages > 1:
            spilled += 1
            assert "Paragraphe" in texts[-1], f"{paragraphs}: {texts[-1]!r}"
    assert spilled  # the range does reach a second page
