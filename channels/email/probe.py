"""« M'envoyer un e-mail d'essai »: one message through the configured SMTP server, and
what the server answered at each step, so that the settings screen can say it in words
(accepted and queued, sender refused, login refused, unreachable …)."""

import smtplib
import ssl
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection


@dataclass(frozen=True)
class Probe:
    ok: bool
    stage: str  # connect, tls, login, sender, recipient, data; "" when no SMTP is used
    server: str  # host:port ("" without an SMTP server: the console backend of the demo)
    code: int | None  # the server's reply code, None when it never answered
    answer: str  # the server's own words, or the error


def send_test_email(sender: str, recipient: str, subject: str, body: str) -> Probe:
    message = EmailMessage(subject, body, sender, [recipient])
    if not settings.EMAIL_BACKEND.endswith("smtp.EmailBackend"):
        get_connection().send_messages([message])  # console (demo), file, memory
        return Probe(True, "", "", None, settings.EMAIL_BACKEND.rsplit(".", 2)[-2])
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    stage = "connect"
    try:
        smtp_class = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
        with smtp_class(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=settings.EMAIL_TIMEOUT) as smtp:  # fmt: skip
            smtp.ehlo_or_helo_if_needed()
            if settings.EMAIL_USE_TLS:
                stage = "tls"
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.EMAIL_HOST_USER:
                stage = "login"
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            for stage, send, accepted in (
                ("sender", lambda: smtp.mail(sender), (250,)),
                ("recipient", lambda: smtp.rcpt(recipient), (250, 251)),
                ("data", lambda: smtp.data(message.message().as_bytes()), (250,)),
            ):
                code, words = send()
                if code not in accepted:
                    return Probe(False, stage, server, code, _text(words))
            return Probe(True, "data", server, code, _text(words))
    except smtplib.SMTPResponseException as exc:
        return Probe(False, stage, server, exc.smtp_code, _text(exc.smtp_error))
    except (OSError, smtplib.SMTPException) as exc:
        return Probe(False, stage, server, None, str(exc) or type(exc).__name__)


def _text(words) -> str:
    return words.decode("utf-8", "replace") if isinstance(words, bytes) else str(words)
