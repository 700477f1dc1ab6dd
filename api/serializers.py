"""The API's JSON shapes of a previewed message and of a batch, as plain dicts.

Public because two faces print them: the API's responses (schemas in
api/routes/batches.py) and `relance remind --format json`."""

from printing.amounts import json_amount
from reminders.editing import can_edit, editable_text
from reminders.summary import batch_summary


def message_out(m, lone: bool = False) -> dict:
    """A previewed message; `lone`: the preview's only message, whose words may be edited."""
    return {
        "editable_text": editable_text(m) if lone and can_edit(m) else None,
        "customer_id": m.customer.pk,
        "customer": m.customer.name,
        "documents": [d.number for d in m.documents],
        "document_ids": [d.pk for d in m.documents],
        "level": m.level.rank if m.level else None,
        "level_name": m.level.name if m.level else "",
        "channel": m.channel,
        "recipient": [str(r) for r in (m.recipient or [])],
        "subject": m.subject or "",
        "body_text": m.body_text or "",
        "error": str(m.error or ""),
        "reckoning": reckoning_out(m.reckoning),  # what the words and the payment code ask
    }


def error_lines(lines) -> list[dict]:
    return [
        {
            "reminder_id": e.reminder_id,
            "customer": e.customer,
            "documents": e.documents,
            "channel": str(e.channel),
            "state": str(e.state),
            "error": e.error,
        }
        for e in lines
    ]


def batch_out(batch) -> dict:
    """A batch's summary: counts per channel and outcome, each error."""
    summary = batch_summary(batch)
    return {
        "id": batch.pk,
        "created_at": batch.created_at,
        "state": batch.state,
        "channel": batch.channel,
        "counts": summary.counts,
        "totals": summary.totals,
        "errors": error_lines(summary.errors),
        "needs_review": error_lines(summary.needs_review),
        "letters_ready": summary.letters_ready,
        "letters_pages": summary.letters_pages,
        "done": summary.done,
    }


def reckoning_out(reckoning) -> dict | None:
    """A reckoning (dunning.reckoning) as JSON: amounts are strings with the currency's
    digits; each line's interest periods give their dates, days and rate."""
    if reckoning is None:
        return None
    cur = reckoning.currency

    def amount(value):
        return json_amount(value, cur)

    basis = reckoning.basis
    return {
        "as_of": reckoning.as_of.isoformat(),
        "currency": cur,
        "claims_charges": reckoning.claims_charges,
        "balance": amount(reckoning.balance),
        "interest": amount(reckoning.interest),
        "indemnity": amount(reckoning.indemnity),
        "total": amount(reckoning.total),
        "basis": {"name": basis.name, "reference": basis.reference} if basis else None,
        "lines": [
            {
                "number": line.number,
                "due_date": line.due_date.isoformat(),
                "balance": amount(line.balance),
                "interest": amount(line.interest),
                "indemnity": amount(line.indemnity),
                "total": amount(line.total),
                "periods": [
                    {
                        "start": p.start.isoformat(),
                        "end": p.end.isoformat(),
                        "days": p.days,
                        "rate": f"{p.rate:f}",
                        "interest": amount(p.interest),
                    }
                    for p in line.periods
                ],
            }
            for line in reckoning.lines
        ],
    }
