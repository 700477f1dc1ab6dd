"""Messages as mail clients and mail servers write them (layouts of Thunderbird, Outlook /
Exchange, Postfix, Exim and Gmail), filled with the Message-ID they answer."""


def thunderbird_reply(
    answers: str,
    *,
    sender="daisy@anyway.example",
    msg_id="3f1c2a7e-8b4d-4c1e-9d2a-5e6f7a8b9c0d@anyway.example",
    pdf=b"%PDF-1.4 bon de livraison\n",
) -> bytes:  # noqa: E501
    import base64

    body = base64.encodebytes(pdf).decode()
    return f"""\
Content-Type: multipart/mixed; boundary="------------0R2yGm6a3xK9fN8vXcQpZ1bT"
Message-ID: <{msg_id}>
Date: Tue, 10 Mar 2026 14:02:11 +0100
MIME-Version: 1.0
User-Agent: Mozilla Thunderbird
Subject: Re: Rappel : facture F00001
Content-Language: fr
To: Alice SARL <compta@alice.example>
References: <{answers}>
In-Reply-To: <{answers}>
From: DRATEY Daisy <{sender}>

This is a multi-part message in MIME format.
--------------0R2yGm6a3xK9fN8vXcQpZ1bT
Content-Type: text/plain; charset=UTF-8; format=flowed
Content-Transfer-Encoding: 8bit

Bonjour,

La livraison était incomplète : il manque deux cartons sur cinq, voir le
bon de livraison ci-joint. Nous réglerons la facture à réception du reste.

Cordialement,
Daisy Dratey

Le 10/03/2026 à 09:00, Alice SARL a écrit :
> Bonjour,
>
> Sauf erreur de notre part, la facture F00001 reste impayée.
>
--------------0R2yGm6a3xK9fN8vXcQpZ1bT
Content-Type: application/pdf; name="BL-2026-0117.pdf"
Content-Disposition: attachment; filename="BL-2026-0117.pdf"
Content-Transfer-Encoding: base64

{body}
--------------0R2yGm6a3xK9fN8vXcQpZ1bT--
""".replace("\n", "\r\n").encode()


def outlook_html_reply(answers: str, *, sender="daisy@anyway.example") -> bytes:
    return f"""\
From: DRATEY Daisy <{sender}>
To: "compta@alice.example" <compta@alice.example>
Subject: RE: Rappel : facture F00001
Thread-Topic: Rappel : facture F00001
Thread-Index: AQHZx1b2c3RlbW9zdGhyZWFkaW5kZXg=
Date: Tue, 10 Mar 2026 15:30:02 +0000
Message-ID: <PR3P195MB0723A1B2C3D4E5F6@PR3P195MB0723.EURP195.PROD.OUTLOOK.COM>
References: <{answers}>
In-Reply-To: <{answers}>
Accept-Language: fr-FR, en-US
Content-Language: fr-FR
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Content-Type: multipart/alternative;
\tboundary="_000_PR3P195MB0723A1B2C3D4E5F6PR3P195MB0723EURP_"
MIME-Version: 1.0

--_000_PR3P195MB0723A1B2C3D4E5F6PR3P195MB0723EURP_
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

Bonjour,

Nous vous avons pay=E9 hier par virement (720,00 =80).

Cordialement

De : Alice SARL <compta@alice.example>
Envoy=E9 : mardi 10 mars 2026 09:00
=C0 : DRATEY Daisy <{sender}>
Objet : Rappel : facture F00001

--_000_PR3P195MB0723A1B2C3D4E5F6PR3P195MB0723EURP_
Content-Type: text/html; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable

<html><head><script>alert('x')</script></head><body><div style=3D"font-family:Calibri">
<p>Bonjour,</p><p>Nous vous avons pay=E9 <b>hier</b> par virement (720,00 =80).</p>
<img src=3D"https://tracker.example/pixel.gif" onerror=3D"alert(1)">
<div id=3D"divRplyFwdMsg"><b>De :</b> Alice SARL</div></div></body></html>

--_000_PR3P195MB0723A1B2C3D4E5F6PR3P195MB0723EURP_--
""".replace("\n", "\r\n").encode()


def exchange_out_of_office(answers: str, *, sender="daisy@anyway.example") -> bytes:
    return f"""\
From: DRATEY Daisy <{sender}>
To: Alice SARL <compta@alice.example>
Subject: =?iso-8859-1?Q?R=E9ponse_automatique=A0:_Rappel_:_facture_F00001?=
Date: Tue, 10 Mar 2026 09:00:12 +0000
Message-ID: <7c1e9a2b4d3f4e5a8b6c0d1e2f3a4b5c@AM0PR01MB1234.eurprd01.prod.exchangelabs.com>
In-Reply-To: <{answers}>
References: <{answers}>
Auto-Submitted: auto-replied
X-Auto-Response-Suppress: All
X-MS-Exchange-Inbox-Rules-Loop: {sender}
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: quoted-printable
MIME-Version: 1.0

Je suis absente jusqu'au 20 mars. En cas d'urgence, contactez l'accueil.
""".replace("\n", "\r\n").encode()


def postfix_bounce(returned_id: str, rcpt="daisy@anyway.example") -> bytes:
    return f"""\
Return-Path: <>
Date: Tue, 10 Mar 2026 09:00:05 +0100 (CET)
From: MAILER-DAEMON@mail.alice.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: compta@alice.example
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="4F2C81A0B3.1773129605/mail.alice.example"
Message-Id: <20260310080005.9D2E31A0B4@mail.alice.example>

This is a MIME-encapsulated message.

--4F2C81A0B3.1773129605/mail.alice.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mail.alice.example.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

For further assistance, please send mail to postmaster.

If you do so, please include this problem report. You can
delete your own text from the attached returned message.

                   The mail system

<{rcpt}>: host mx.anyway.example[192.0.2.25] said: 550 5.1.1
    <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox
    table (in reply to RCPT TO command)

--4F2C81A0B3.1773129605/mail.alice.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.alice.example
X-Postfix-Queue-ID: 4F2C81A0B3
X-Postfix-Sender: rfc822; compta@alice.example
Arrival-Date: Tue, 10 Mar 2026 09:00:03 +0100 (CET)

Final-Recipient: rfc822; {rcpt}
Original-Recipient: rfc822;{rcpt}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.anyway.example
Diagnostic-Code: smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User
    unknown in virtual mailbox table

--4F2C81A0B3.1773129605/mail.alice.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Alice SARL <compta@alice.example>
To: {rcpt}
Subject: Relance : facture F00001
Message-ID: {returned_id}
Date: Tue, 10 Mar 2026 09:00:02 +0100

--4F2C81A0B3.1773129605/mail.alice.example--
""".replace("\n", "\r\n").encode()


def exim_bounce(returned_id: str, rcpt="daisy@anyway.example") -> bytes:
    return f"""\
Return-path: <>
From: Mail Delivery System <Mailer-Daemon@mx1.alice.example>
To: compta@alice.example
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1tXyZ1-0004Ab-Qm@mx1.alice.example>
Date: Tue, 10 Mar 2026 09:00:07 +0100
X-Failed-Recipients: {rcpt}
Auto-Submitted: auto-replied

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {rcpt}
    host mx.anyway.example [192.0.2.25]
    SMTP error from remote mail server after RCPT TO:<{rcpt}>:
    550 5.1.1 <{rcpt}>: mailbox unavailable

------ This is a copy of the message, including all the headers. ------

Return-path: <compta@alice.example>
From: Alice SARL <compta@alice.example>
To: {rcpt}
Subject: Relance : facture F00001
Message-ID: {returned_id}

Bonjour,
""".replace("\n", "\r\n").encode()


def unrelated(sender="newsletter@shop.example") -> bytes:
    return f"""\
From: Someone <{sender}>
To: compta@alice.example
Subject: Question sur votre offre
Message-ID: <a1b2c3@shop.example>
Date: Tue, 10 Mar 2026 10:00:00 +0100
Content-Type: text/plain; charset=utf-8

Bonjour, pouvez-vous me rappeler ?
""".replace("\n", "\r\n").encode()
