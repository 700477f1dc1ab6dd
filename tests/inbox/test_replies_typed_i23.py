"""« Déjà payé » and « Promesse » on « Réponses » take the screens' day-first dates and
French amounts, and say in words why a slip is refused."""

from datetime import date
from decimal import Decimal

from inbox.models import InboundMessage, Outcome

from .test_replies_screen import box, post, replied  # noqa: F401 (fixtures)


def test_already_paid_reads_a_french_amount_and_a_day_first_date(client, bob, replied):  # noqa: F811
    reply, _invoice = replied
    client.force_login(bob)
    page = client.get("/reponses/").content.decode()
    assert 'type="date"' not in page  # the browser's own order would follow its locale
    assert 'name="paid_on" required' in page and 'placeholder="jj/mm/aaaa"' in page
    post(client, reply, outcome="paid", paid_on="09/03/2026", paid_amount="1 234,56")
    reply.refresh_from_db()
    assert (reply.outcome, reply.paid_on, reply.paid_amount) == (
        Outcome.PAID,
        date(2026, 3, 9),
        Decimal("1234.56"),
    )


def test_an_unreadable_amount_is_said_and_changes_nothing(client, bob, replied):  # noqa: F811
    reply, _invoice = replied
    client.force_login(bob)
    page = post(client, reply, outcome="paid", paid_on="09/03/2026", paid_amount="12,3,4")
    assert "« 12,3,4 » a plusieurs séparateurs décimaux" in page.content.decode()
    page = post(client, reply, outcome="promise", promise_date="31/02/2026")
    assert "Saisissez une date valide" in page.content.decode()
    assert InboundMessage.objects.to_handle().count() == 1
