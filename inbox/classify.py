"""What a message read from the reply mailbox is: pure, no database.

The rules, in order:
- a bounce: a delivery report (multipart/report; report-type=delivery-status, RFC 3464)
  or a message from the mailer daemon that looks like one; the permanently failed
  addresses come from flufl.bounce (DSN and the common non-standard layouts: Postfix,
  Exim, qmail, Exchange...), else from the notification's words (bounce_text.py:
  Yahoo, Office 365, WorkMail, DragonFly, Amazon SES by e-mail...); the server's words
  from the report's Diagnostic-Code or the "5xx" line of the text; a report of a delay
  only is an automatic message;
- an automatic reply: Auto-Submitted other than "no" (RFC 3834), X-Autoreply /
  X-Autorespond, Precedence auto_reply / bulk / junk / list, or an out-of-office
  subject in French, English or German;
- otherwise a reply written by a person.
What it answers is read from In-Reply-To / References (and, for a bounce, the
Message-ID of the returned message); `effects.py` decides whom it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parsedate_to_datetime

from flufl.bounce import all_failures

from inbox.bounce_text import failure_words, permanent_failures, ses_failures

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
OUR_ID = re.compile(r"^<reminder-(\d+)\.(\d+)@[^>]+>$")
DAEMONS = re.compile(r"^(mailer-daemon|postmaster|mail-daemon|maildaemon|bounce[s]?)(@|\s|$)", re.I)
BOUNCE_SUBJECT = re.compile(
    r"undeliver|returned mail|delivery (status notification|has failed|failure)|"
    r"mail delivery (failed|failure|subsystem)|failure notice|non remis|"
    r"non distribu|unzustellbar|nicht zustellbar",
    re.I,
)
AUTO_SUBJECT = re.compile(
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|away from|on vacation|"
    r"réponse automatique|absen(ce|t)|en congés?|"
    r"abwesenheit|automatische antwort|abwesend|nicht im büro|im urlaub",
    re.I,
)
AUTO_PRECEDENCE = {"auto_reply", "bulk", "junk", "list"}
SMTP_LINE = re.compile(r"\b([45]\d\d[ -][245]\.\d{1,3}\.\d{1,3}\b.*|[45]\d\d .{10,})")


@dataclass
class Classified:
    kind: str  # "reply" | "auto_reply" | "bounce"
    message_id: str
    sender: str
    subject: str
    sent_at: datetime | None
    answers: list[str] = field(default_factory=list)  # Message-IDs it refers to, newest first
    text: str = ""
    html: str = ""
    bounced: list[str] = field(default_factory=list)
    server_words: str = ""
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)


def parse(raw: bytes) -> Message:
    # compat32: what flufl.bounce reads, and 3-4x faster than the modern policy's headers
    return message_from_bytes(raw)


def header(msg, name: str) -> str:
    """A header as text, its encoded words (=?iso-8859-1?Q?...?=) decoded."""
    value = msg.get(name)
    if value is None:
        return ""
    value = str(value)
    if "=?" in value:
        try:
            value = str(make_header(decode_header(value)))
        except (ValueError, LookupError, UnicodeError):
            pass
    return " ".join(value.split())


def our_reminder(message_id: str) -> tuple[int, int] | None:
    """(reminder pk, company pk) of one of our Message-IDs (reminders/batches.py)."""
    m = OUR_ID.match(message_id.strip())
    return (int(m.group(1)), int(m.group(2))) if m else None


def classify(raw: bytes) -> Classified:
    msg = parse(raw)
    sender = _address(header(msg, "From"))
    found = Classified(
        kind="reply",
        message_id=_first_id(header(msg, "Message-ID")),
        sender=sender,
        subject=header(msg, "Subject")[:300],
        sent_at=_date(header(msg, "Date")),
        answers=_answers(msg),
    )
    if _is_bounce_candidate(msg, sender, found.subject):
        permanent, temporary = _failures(msg, sender)
        if permanent:
            found.kind = "bounce"
            found.bounced = sorted(permanent)
            found.server_words = _server_words(msg)
            returned = _returned_id(msg)
            if returned:
                found.answers = [returned] + found.answers
            return found
        if temporary or msg.get_content_type() == "multipart/report":
            found.kind = "auto_reply"  # a delay notice: nothing to do yet
    elif _is_auto_reply(msg, found.subject):
        found.kind = "auto_reply"
    found.text, found.html = _bodies(msg)
    if found.kind == "reply":
        found.attachments = _attachments(msg)
    return found


def _address(value: str) -> str:
    pairs = getaddresses([value])
    return pairs[0][1].strip().lower() if pairs and pairs[0][1] else value.strip().lower()


def _first_id(value: str) -> str:
    m = MESSAGE_ID.search(value)
    return m.group(0)[:300] if m else ""


def _date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _answers(msg) -> list[str]:
    ids = MESSAGE_ID.findall(header(msg, "In-Reply-To"))
    ids += reversed(MESSAGE_ID.findall(header(msg, "References")))
    return list(dict.fromkeys(ids))


def _is_bounce_candidate(msg, sender: str, subject: str) -> bool:
    if msg.get_content_type() == "multipart/report":
        return True
    if sender.endswith("@sns.amazonaws.com"):  # SES notifications sent by e-mail
        return True
    return bool(DAEMONS.match(sender) or (not sender and BOUNCE_SUBJECT.search(subject))) or (
        BOUNCE_SUBJECT.search(subject) is not None and "auto-submitted" in msg
    )


def _notification_text(msg) -> str:
    """Every text part the server wrote (not the returned copy), in order."""
    return "\n".join(_text_of(p) for p in _parts(msg) if p.get_content_type() == "text/plain")[
        :200_000
    ]


def _failures(msg, sender: str) -> tuple[set[str], set[str]]:
    """(permanent, temporary) failed addresses: flufl.bounce, else the words of the text."""
    own = {_address(header(msg, "To"))}
    if sender.endswith("@sns.amazonaws.com"):  # JSON that flufl.bounce would misread
        return ses_failures(_notification_text(msg)) - own, set()
    temporary, permanent = all_failures(msg)
    decode = lambda s: {a.decode(errors="replace") if isinstance(a, bytes) else a for a in s}  # noqa: E731
    permanent, temporary = (
        {a.lower() for a in decode(permanent)},
        {a.lower() for a in decode(temporary)},
    )
    if not permanent and not temporary:
        permanent = permanent_failures(_notification_text(msg), exclude=own)
    return permanent, temporary


def _is_auto_reply(msg, subject: str) -> bool:
    auto = header(msg, "Auto-Submitted").lower()
    if auto and not auto.startswith("no"):
        return True
    if "x-autoreply" in msg or "x-autorespond" in msg:
        return True
    if header(msg, "Precedence").lower() in AUTO_PRECEDENCE:
        return True
    if header(msg, "X-Auto-Response-Suppress") and AUTO_SUBJECT.search(subject):
        return True
    return AUTO_SUBJECT.search(subject) is not None


def _server_words(msg) -> str:
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            for block in part.get_payload() or []:
                code = header(block, "Diagnostic-Code")
                if code:
                    code = re.sub(r"^\s*smtp;\s*", "", code, flags=re.I)
                    return " ".join(code.split())[:500]  # unfolded
                status = header(block, "Status")
                if status.startswith(("4", "5")):
                    return status
    text = _notification_text(msg)
    if '"notificationType' not in text:
        for line in text.splitlines():
            m = SMTP_LINE.search(line)
            if m:
                return m.group(0).strip()[:500]
    return failure_words(text)


def _returned_id(msg) -> str:
    """The Message-ID of the message that came back (its copy or its headers)."""
    for part in msg.walk():
        kind = part.get_content_type()
        if kind == "message/rfc822":
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if hasattr(inner, "get"):
                return _first_id(header(inner, "Message-ID"))
        if kind == "text/rfc822-headers":
            return _first_id(_header_in_text(_text_of(part), "Message-ID"))
    text, _html = _bodies(msg)
    return _first_id(_header_in_text(text, "Message-ID"))


def _header_in_text(text: str, name: str) -> str:
    m = re.search(rf"^{name}:\s*(.+)$", text or "", re.I | re.M)
    return m.group(1) if m else ""


def _text_of(part) -> str:
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        return payload.decode("latin-1")


def _is_attachment(part) -> bool:
    disposition = str(part.get("Content-Disposition", "")).lower()
    return disposition.startswith("attachment") or (
        part.get_filename() is not None and not part.get_content_type().startswith("text/")
    )


def _bodies(msg) -> tuple[str, str]:
    """The first text and HTML parts that are not attachments (nor inside a returned copy)."""
    text = html = None
    for part in _parts(msg):
        kind = part.get_content_type()
        if _is_attachment(part):
            continue
        if kind == "text/plain" and text is None:
            text = _text_of(part)
        elif kind == "text/html" and html is None:
            html = _text_of(part)
    return (text or "")[:100_000], (html or "")[:200_000]


def _parts(msg):
    """The leaf parts, not descending into an attached message."""
    if msg.is_multipart():
        for sub in msg.get_payload():
            if sub.get_content_type() == "message/rfc822":
                continue
            yield from _parts(sub)
    else:
        yield msg


def _attachments(msg) -> list[tuple[str, str, bytes]]:
    out = []
    for part in _parts(msg):
        if not _is_attachment(part):
            continue
        content = part.get_payload(decode=True) or b""
        name = part.get_filename() or "piece-jointe"  # RFC 2231 names decoded by email
        out.append((str(name)[:200], part.get_content_type(), content))
    return out
