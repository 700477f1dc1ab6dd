"""A printed letter never strands a part of itself: its legal mentions alone on a last
page, or the title of its reckoning at the foot of a page whose table went to the next."""

import io
from datetime import date

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


def test_a_letters_later_pages_say_whose_letter_they_continue():
    # A page that comes loose from its letter (the payment slip pushed to page 2, say)
    # still names the customer and the subject; a letter's first page does not, and the
    # next letter's first page does not carry the previous letter's name.
    long = _letter(40)
    long.continued = "Client SARL · Relance de F-1 · suite"
    short = _letter(2)
    short.recipient = ["Autre Client SA", "3 rue des Roses", "69001 Lyon"]
    short.continued = "Autre Client SA · Relance de F-2 · suite"
    pdf, pages = LetterChannel().send([long, short])
    texts = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    assert pages == len(texts) == 3
    assert "suite" not in texts[0]
    assert "Client SARL · Relance de F-1 · suite" in texts[1]
    assert "Autre Client SA" in texts[2] and "suite" not in texts[2]


def test_build_letter_words_the_running_header_in_the_customers_language():
    from receivables.models import Company
    from reminders.rendering import build_letter

    company = Company(name="Atelier Dupont SARL", address="1 place du Marché\n35000 Rennes")
    on = date(2026, 12, 4)
    fr = build_letter(company, ["Client SARL", "2 rue des Lilas"], "Impayé F-1", "", "fr", on)
    en = build_letter(company, ["Client Ltd", "2 Lilac Lane"], "Unpaid F-1", "", "en", on)
    assert fr.continued == "Client SARL · Impayé F-1 · suite"
    assert en.continued == "Client Ltd · Unpaid F-1 · continued"
