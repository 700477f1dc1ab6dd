"""« Par où commencer ? » on the home page walks the seed's story on the company's data:
the two invoices never reminded, Rel mail, the preview, the summary."""

import re


def _tour(html: str) -> str:
    section = re.search(r'<section class="card tour".*?</section>', html, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", "", section).split())


def test_the_tour_names_the_two_invoices_to_remind_first(alice_client, seed_docs):
    text = _tour(alice_client.get("/").content.decode())
    assert "Par où commencer ?" in text
    assert "3 pièces attendent une relance" in text
    # the oldest never-reminded invoices first, with what is due and how late
    assert "la facture 9 de ANYWAY SARL" in text and "la facture 3 de LENTY Sarah" in text
    assert "facture 5 " not in text  # two, the oldest
    steps = ["Ouvrez « Relance des factures »", "Rel mail", "aperçu", "résumé"]
    positions = [text.index(s) for s in steps]
    assert positions == sorted(positions)
    assert "%NB_RAPPELS%" in text


def test_the_tour_on_the_demo_and_in_english(alice_client, company, seed_docs):
    seed_docs["9"].to_remind = False
    seed_docs["9"].save()
    text = _tour(alice_client.get("/").content.decode())
    assert "la facture 3 de LENTY Sarah (720,00 €, 7 jours de retard)" in text.replace(
        "\u202f", " "
    ).replace("\xa0", " ")
    assert "la facture 5 de ANYWAY SARL (5,10 €, 2 jours de retard)" in text.replace(
        "\u202f", " "
    ).replace("\xa0", " ")
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = _tour(alice_client.get("/").content.decode())
    assert "Where to start?" in text and "invoice 3 of LENTY Sarah" in text


def test_the_tour_on_an_empty_company_says_there_is_nothing_yet(alice_client, company):
    text = _tour(alice_client.get("/").content.decode())
    assert "aucune pièce n'attend de relance" in text.replace("&#x27;", "'")
    assert "jamais relancées" not in text
