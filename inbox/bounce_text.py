"""Failed addresses read from the words of a bounce, when flufl.bounce finds none: pure.

flufl.bounce knows the DSN (RFC 3464) and a dozen mailers' layouts; real mailboxes also
receive Yahoo's and qmail's « <addr>: / Remote host said: 550 … », Exchange's and
Office 365's « could not be reached / Delivery has failed to these recipients »,
Amazon WorkMail's quoted-printable reports, forwarded bounces, and SES notifications
sent by e-mail (JSON). Measured on the sisimai project's corpus of real bounces
(tests/inbox/test_real_bounces.py). Only *permanent* failures count: an address is taken
from a line carrying a 5xx reply or a 5.x.x status, from the line just above one, from
the list under a « these recipients failed » sentence, or from a permanent SES bounce;
a delay (4xx) names nobody.
"""

from __future__ import annotations

import json
import re

ADDRESS = re.compile(r"[A-Za-z0-9._%+=\-']+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
PERMANENT = re.compile(r"(?<![\d.\w])(5\d\d([ \-]|$)|5\.\d{1,3}\.\d{1,3}(?![\d.]))")
TEMPORARY = re.compile(r"(?<![\d.\w])(4\d\d([ \-]|$)|4\.\d{1,3}\.\d{1,3}(?![\d.]))")
LIST_INTRO = re.compile(
    r"following (addresses|address|recipients?)\b.*(failed|fatal|could not|couldn't|unable|errors?)|"
    r"(could not|couldn't) be reached|delivery has failed to these recipients|"
    r"unable to deliver (your|the) message to the following|"
    r"error occurred while trying to deliver the mail to the following|"
    r"permanent fatal errors|failed permanently|"
    r"n'a pas pu être remis|ne peut pas être remis|konnte nicht zugestellt",
    re.I,
)
# Where the copy of the returned message starts: nothing after it is the server's words.
COPY_STARTS = re.compile(
    r"^\s*(-+\s*)?(below this line is a copy|this is a copy of the message|"
    r"original message (headers|follows)|unsent message follows|"
    r"the original message was|original message headers:|message headers follow|"
    r"(from|received|return-path|message-id):\s)",
    re.I,
)
# « There was an error delivering your mail to <addr>. » and the 5xx lines below it.
NAMED_IN_SENTENCE = re.compile(
    r"(error delivering your (mail|message) to|could not be delivered to|"
    r"delivery to the following recipients? failed|failed to deliver to|undeliverable to)\s*<?\S+@",
    re.I,
)


def permanent_failures(text: str, exclude: set[str]) -> set[str]:
    """The addresses the notification text says failed for good (lower case)."""
    lines = _notification(text)
    found: set[str] = set()
    for i, line in enumerate(lines):
        if PERMANENT.search(line):
            found |= _addresses(line)
            if not _addresses(line) and i and not TEMPORARY.search(lines[i - 1]):
                found |= _addresses(lines[i - 1])  # « <addr>: » then « Remote host said: 550 »
        elif LIST_INTRO.search(line):
            found |= _listed(lines[i + 1 :])
    if not found and any(PERMANENT.search(line) for line in lines):
        for line in lines:
            if NAMED_IN_SENTENCE.search(line):
                found |= _addresses(line)
    return {a for a in found if not _is_daemon(a)} - exclude


def failure_words(text: str) -> str:
    """What the server said, when no line carries a full « 5xx 5.x.x … » reply: the 5xx
    line with the line it runs on to, else the words beside the failed address."""
    if '"notificationType' in text or '\\"notificationType' in text:
        return _ses_words(text)
    lines = _notification(text)
    for i, line in enumerate(lines):
        if PERMANENT.search(line):
            more = (
                lines[i + 1].strip() if i + 1 < len(lines) and PERMANENT.search(line[-4:]) else ""
            )
            return " ".join(f"{line.strip()} {more}".split())[:500]
    for i, line in enumerate(lines):
        if LIST_INTRO.search(line):
            for below, after in zip(lines[i + 1 : i + 12], lines[i + 2 : i + 13], strict=False):
                rest = ADDRESS.sub("", below).strip(" []<>:")
                if ADDRESS.search(below):
                    words = rest if len(rest) > 3 and not rest.startswith("on ") else after.strip()
                    return " ".join(words.split())[:500]
    return ""


MAX_LINE = 1000  # an SMTP reply line's limit (RFC 5321); longer is not a server's words


def _notification(text: str) -> list[str]:
    """The server's lines, each cut at MAX_LINE: a stranger's message with one huge line
    would otherwise make the address search quadratic (seconds per line)."""
    out = []
    for line in text.replace("\r\n", "\n").split("\n"):
        line = line[:MAX_LINE].lstrip("> ").rstrip()  # a forwarded bounce keeps its « > »
        if out and COPY_STARTS.match(line):
            break
        out.append(line)
    return out


def _listed(lines: list[str]) -> set[str]:
    """The addresses in the lines under a list's sentence, up to the next paragraph."""
    found: set[str] = set()
    for line in lines[:20]:
        if not line.strip():
            if found:
                break
            continue
        if TEMPORARY.search(line) and not PERMANENT.search(line):
            return set()
        found |= _addresses(line)
    return found


def _addresses(line: str) -> set[str]:
    return {a.lower().strip(".'") for a in ADDRESS.findall(line)}


def _is_daemon(address: str) -> bool:
    local = address.split("@", 1)[0]
    return local in {"mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "no-reply"}


def ses_failures(text: str) -> set[str]:
    """The permanently bounced recipients of an Amazon SES notification sent by e-mail:
    the SES JSON itself, or wrapped in an SNS envelope (its "Message"), lines folded."""
    bounce = _ses_bounce(text)
    return {
        str(r.get("emailAddress", "")).lower()
        for r in bounce.get("bouncedRecipients") or []
        if r.get("emailAddress")
    }


def _ses_words(text: str) -> str:
    recipients = _ses_bounce(text).get("bouncedRecipients") or [{}]
    return str(recipients[0].get("diagnosticCode", ""))[:500]


def _ses_bounce(text: str) -> dict:
    text = text.replace("\r\n", "\n").replace("\n ", "")
    try:
        body, _end = json.JSONDecoder().raw_decode(text[text.find("{") :])
        if isinstance(body.get("Message"), str):
            body = json.loads(body["Message"])
    except (ValueError, AttributeError):
        return {}
    bounce = body.get("bounce") or {}
    if body.get("notificationType") != "Bounce" or bounce.get("bounceType") != "Permanent":
        return {}
    return bounce
