"""The period filter's dates, typed the French way (jj/mm/aaaa) or as ISO in a saved link."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from receivables.coerce import BadValue
from web.screens.worklist import read_date


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("24/12/2026", date(2026, 12, 24)),
        ("4/1/2026", date(2026, 1, 4)),
        ("24/12/26", date(2026, 12, 24)),
        ("24.12.2026", date(2026, 12, 24)),
        (" 24/12/2026 ", date(2026, 12, 24)),
        ("2026-12-24", date(2026, 12, 24)),
        ("", None),
    ],
)
def test_it_reads_french_and_iso_dates(typed, expected):
    assert read_date(typed) == expected


def test_day_comes_before_month():
    assert read_date("03/04/2026") == date(2026, 4, 3)


def test_it_refuses_a_date_that_does_not_exist():
    with pytest.raises(BadValue, match="31/02/2026"):
        read_date("31/02/2026")


@pytest.mark.parametrize("typed", ["demain", "24122026", "12/2026", "2026/24"])
def test_it_refuses_unreadable_text_and_says_what_it_expects(typed):
    with translation.override("fr"), pytest.raises(BadValue) as error:
        read_date(typed)
    assert typed in str(error.value) and "JJ/MM/AAAA" in str(error.value)


def test_the_filter_shows_and_accepts_french_dates(alice_client, seed_docs, today):
    week_ago = today - timedelta(days=7)
    typed = week_ago.strftime("%d/%m/%Y")
    html = alice_client.get(f"/relance/?period=custom&start={typed}&end={typed}").content.decode()
    assert 'placeholder="jj/mm/aaaa"' in html and 'type="date"' not in html
    assert f'name="start" id="start" value="{typed}"' in html
    rows = html.count('<tr data-id="')
    assert rows == 1 and ">3</a>" in html  # only the invoice due that day


def test_an_iso_link_shows_the_date_the_french_way(alice_client, seed_docs):
    html = alice_client.get("/relance/?period=custom&start=2026-03-06").content.decode()
    assert 'name="start" id="start" value="06/03/2026"' in html


def test_a_bad_date_is_named_kept_in_its_field_and_ignored(alice_client, seed_docs):
    response = alice_client.get("/relance/?period=custom&start=31/02/2026&end=demain")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Du : date impossible : « 31/02/2026 »" in html
    assert "Au : date illisible : « demain »" in html
    assert 'value="31/02/2026" placeholder="jj/mm/aaaa"' in html and 'aria-invalid="true"' in html
    assert html.count('<tr data-id="') == 3  # the due documents, unfiltered


def test_english_shows_the_english_hint_and_error(alice_client, seed_docs):
    alice_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = alice_client.get("/relance/?period=custom&start=31/02/2026").content.decode()
    assert 'placeholder="dd/mm/yyyy"' in html
    assert "From: impossible date: “31/02/2026”" in html
