"""Sending a batch from a terminal: letters, then e-mails, with a progress bar.

The same services as the background task (reminders.tasks.process_batch), called in the
foreground so the person sees it happen; two senders at once still send each row once."""

from dunning.models import Channel
from reminders.letters import letters_pdf
from reminders.models import ReminderState
from reminders.sending import send_outbox

from .clitools import Ticker, progress


def send_batch(batch, *, show_progress: bool = True) -> None:
    rows = batch.reminders
    if rows.filter(channel=Channel.LETTER, state=ReminderState.QUEUED).exists():
        letters_pdf(batch)
    emails = rows.filter(channel__in=[Channel.EMAIL, Channel.FIRM_EMAIL])
    total = emails.filter(state=ReminderState.QUEUED).count()
    if not total:
        return
    done_states = [ReminderState.SENT, ReminderState.FAILED, ReminderState.CANCELLED]
    start = emails.filter(state__in=done_states).count()
    with progress(total, "e-mails", disable=None if show_progress else True) as bar:

        def refresh():
            bar.n = emails.filter(state__in=done_states).count() - start
            bar.refresh()

        send_outbox(batch, stop=Ticker(refresh))
        refresh()
