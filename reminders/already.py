"""The same selection sent again while it is going out (a second click, a form sent
twice): nothing new can go, so no batch of refusals is written and the person is shown
the batch already sending it. The partial unique index on live reminders is what keeps
a document from being reminded twice; this only says so in words."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Batch, BatchState, ReminderDocument

OTHERS_NAMED = 5  # refusals for another reason named in the message; the rest counted


class AlreadySending(ValidationError):
    """Nothing of the selection can go, and (some of) it is already in `batch`."""

    def __init__(self, batch: Batch, others: list[str]):
        self.batch = batch
        text = in_words(batch)
        if others:
            named = " ; ".join(others[:OTHERS_NAMED])
            if len(others) > OTHERS_NAMED:
                named += " …"
            text += " " + _("Les autres ne peuvent pas partir : %(why)s.") % {"why": named}
        super().__init__(text)


def in_words(batch: Batch) -> str:
    """What a person is told when sending again what `batch` sends, or sent."""
    if batch.state == BatchState.OPEN:
        text = _("Déjà en cours d'envoi : ces pièces sont dans l'envoi n° %(n)s.")
    else:
        text = _("Déjà envoyé : ces pièces ont été relancées à ce niveau (envoi n° %(n)s).")
    return text % {"n": batch.pk}


def refuse_repeat(preview) -> None:
    """Raise AlreadySending when nothing of `preview` can go and some of its documents
    already have their live reminder at that level in a batch."""
    if preview.messages or not preview.already_live:
        return
    batch = live_batch(preview.already_live)
    if batch is None:  # reminded outside any batch (a past send written by hand)
        return
    live = {document_id for document_id, _rank in preview.already_live}
    others = [
        f"{m.customer.name} ({', '.join(d.number for d in m.documents)}) : {m.error}"
        for m in preview.failures
        if not {d.pk for d in m.documents} <= live
    ]
    raise AlreadySending(batch, others)


def live_batch(pairs: list[tuple[int, int]]) -> Batch | None:
    """The batch holding the live reminders of these (document, level rank) pairs: the
    one still sending first, else the latest."""
    wanted = set(pairs)
    links = ReminderDocument.objects.filter(
        document_id__in={document_id for document_id, _rank in wanted},
        live=True,
        reminder__batch__isnull=False,
    ).values_list("document_id", "level_rank", "reminder__batch_id")
    ids = {batch_id for document_id, rank, batch_id in links if (document_id, rank) in wanted}
    batches = Batch.objects.filter(pk__in=ids)
    return min(batches, key=lambda b: (b.state != BatchState.OPEN, -b.pk), default=None)
