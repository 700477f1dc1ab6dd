"""Benchmark: e-mail reminders with a PDF each to a local SMTP server, and letters.

    .venv/bin/python bench/send.py                      # 10,000 e-mails, 1,000 letters
    .venv/bin/python bench/send.py --emails 500 --letters 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relance_bench_send .venv/bin/python bench/send.py

End to end = create_batch (checks, outbox rows) + the outbox workers (three processes by
default, as the product runs them) wording each e-mail, storing its PDF as proof and delivering it to
an aiosmtpd server in another process.
Each invoice has its own PDF (distinct bytes), read once per document. Uses a fresh
SQLite file in a temporary folder unless DATABASE_URL is set (that database is made anew).

Each figure is also a ratio to a floor measured in the same run (issue 22), with the
load average beside it: for e-mails, the SMTP server's own CPU time per message (our
sender's CPU per message divided by it; on PostgreSQL, the CPU of the backends serving
the batch and the workers is printed beside it, and added to ours in a second ratio);
for letters, WeasyPrint alone rendering the same HTML, in parts of the same size, in
this process (our letters per CPU-second as a fraction of its).
"""

import argparse
import multiprocessing as mp
import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def smtp_server(port: int, count, ready) -> None:
    """A real SMTP server (aiosmtpd) counting what it accepts."""
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            with count.get_lock():
                count.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children it has waited for (Linux), to
    report figures the machine's load does not distort: on a shared 2-core box, wall
    time mostly measures the neighbours."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(url: str) -> None:
    """Drop and create the PostgreSQL database named in `url`: each run starts empty."""
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(tmp: Path, port: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    os.environ["RELANCE_DATA_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ["EMAIL_HOST"] = "127.0.0.1"
    os.environ["EMAIL_PORT"] = str(port)
    os.environ["TASKS_BACKEND"] = "db"  # enqueued, not run: the bench drives the worker
    if os.environ.get("DATABASE_URL"):
        fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    # The URLconf (every view and API schema: about 0.3 s of CPU) is loaded once in a
    # worker's life, by its first portal link; loaded here, before the workers fork, as a
    # worker that has been running has it, so that the figures count the sending alone.
    from django.urls import get_resolver

    get_resolver().reverse_dict.getlist("")  # what reverse() reads first


def make_data(n_mail: int, n_letters: int, as_of):
    """A company, its default policy and templates, one customer and one late invoice
    (awaiting level 2, "Relance 1", e-mail, reminded once 3 days ago) per message, each invoice with its own PDF."""
    from datetime import timedelta
    from decimal import Decimal

    from django.conf import settings

    from dunning.policies import ensure_default_policies
    from printing.pdf import html_to_pdf
    from receivables.models import Company, Customer, Document
    from reminders.defaults import ensure_default_templates

    company = Company.objects.create(
        name="Bench SARL",
        address="1 place du Marché\n35000 Rennes",
        email="compta@bench.example",
        iban="FR7630006000011234567890189",
        bic="AGRIFRPP",
        legal_mentions="Pénalités au taux BCE + 10 points ; indemnité forfaitaire de 40 €.",
    )
    ensure_default_policies(company)
    ensure_default_templates(company)
    base_pdf = html_to_pdf("<h1>Facture</h1><p>" + "Ligne de facture. " * 400 + "</p>")
    folder = Path(settings.MEDIA_ROOT) / "documents" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    total = n_mail + n_letters
    customers = Customer.objects.bulk_create(
        Customer(
            company=company,
            code=f"C{i:06d}",
            name=f"Client {i:06d} SARL",
            contact_name=f"Contact {i}",
            emails=f"client{i}@example.org",
            address=f"{i} rue des Lilas",
            postal_code="75011",
            city="Paris",
        )
        for i in range(total)
    )
    documents = []
    for i, customer in enumerate(customers):
        name = f"documents/bench/F{i:06d}.pdf"
        if i < n_mail:  # distinct bytes per invoice: a trailing comment after %%EOF
            (folder / f"F{i:06d}.pdf").write_bytes(base_pdf + f"\n% F{i:06d}\n".encode())
        documents.append(
            Document(
                company=company,
                kind="invoice",
                number=f"F{i:06d}",
                customer=customer,
                issue_date=as_of - timedelta(days=40),
                due_date=as_of - timedelta(days=10),
                amount=Decimal("120.00") + i % 1000,
                description="Livraison",
                pdf=name if i < n_mail else "",
                pending_level=2,
                to_remind=True,
                reminder_count=1,  # level 2 follows a first reminder: its date is in the words
                last_reminder_date=as_of - timedelta(days=3),
            )
        )
    Document.objects.bulk_create(documents, batch_size=2000)
    ids = list(Document.objects.order_by("pk").values_list("pk", flat=True))
    return company, ids[:n_mail], ids[n_mail:], len(base_pdf)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--emails", type=int, default=10_000)
    parser.add_argument("--letters", type=int, default=1_000)
    parser.add_argument(
        "--workers",
        type=int,
        default=3,
        help="outbox worker processes (default 3, as the demo runs `relance db_worker` x3 and "
        "RELANCE_SEND_WORKERS=3: sending mostly waits, so more workers than cores)",
    )
    parser.add_argument(
        "--without-payment-qr",
        action="store_true",
        help="leave out the EPC payment QR code (receivables.paycodes, about a millisecond "
        "per message) to measure the reminder pipeline itself",
    )
    args = parser.parse_args()

    port = free_port()
    count, ready = mp.Value("i", 0), mp.Event()
    server = mp.Process(target=smtp_server, args=(port, count, ready), daemon=True)
    server.start()
    ready.wait(10)

    with tempfile.TemporaryDirectory(prefix="relance-bench-") as tmp:
        setup_django(Path(tmp), port)
        from django.db import connection

        from reminders.batches import create_batch
        from reminders.letters import letters_pdf
        from reminders.models import Reminder
        from reminders.sending import send_outbox

        if args.without_payment_qr:
            import reminders.rendering

            reminders.rendering.payment_block = lambda *a: ("", "")

        t = time.perf_counter()
        from receivables.models import Company

        as_of = Company(timezone="Europe/Paris").today()
        company, mail_ids, letter_ids, pdf_size = make_data(args.emails, args.letters, as_of)
        if connection.vendor == "postgresql":  # as autovacuum leaves invoices loaded a while
            with connection.cursor() as cur:  # ago (it is off on this machine): without
                cur.execute("ANALYZE")  # statistics a chunk's overdue read scans them all
        print(
            f"data: {args.emails} invoices with a {pdf_size // 1024} KiB PDF each, "
            f"{args.letters} for letters ({connection.vendor}) in {time.perf_counter() - t:.1f} s"
        )

        me = os.getpid()
        if args.emails:
            c0, s0 = cpu_seconds(me), cpu_seconds(server.pid)
            db = mp.Value("d", -backend_cpu())  # this process's backend, then the workers'
            t0 = time.perf_counter()
            batch = create_batch(company, mail_ids, channel="email", as_of=as_of)
            t1, c1 = time.perf_counter(), cpu_seconds(me)
            if args.workers > 1:
                db.value += backend_cpu()
                connection.close()
                ctx = mp.get_context("fork")
                procs = [
                    ctx.Process(target=_drain, args=(batch.pk, db)) for _ in range(args.workers)
                ]
                for p in procs:
                    p.start()
                for p in procs:
                    p.join()
            else:
                send_outbox(batch)
                db.value += backend_cpu()
            t2 = time.perf_counter()
            cpu = cpu_seconds(me) - c0  # this process and the workers it forked and joined
            smtp_cpu = cpu_seconds(server.pid) - s0
            sent = Reminder.objects.filter(batch=batch, state="sent").count()
            print(
                f"e-mails: {sent} sent, {count.value} received by the SMTP server; "
                f"batch written in {t1 - t0:.1f} s, delivered in {t2 - t1:.1f} s "
                f"({args.workers} worker(s))"
            )
            print(f"e-mails end to end: {sent / (t2 - t0):.0f} messages/s (wall clock)")
            print(
                f"e-mails CPU: batch {c1 - c0:.1f} s + delivery {cpu - (c1 - c0):.1f} s, "
                f"SMTP server {smtp_cpu:.1f} s -> "
                f"{sent / cpu:.0f} messages per CPU-second of the sender"
            )
            if sent:
                print(
                    f"e-mails vs floor: sender {cpu / sent * 1000:.2f} ms CPU per message, "
                    f"SMTP server {smtp_cpu / sent * 1000:.2f} ms -> "
                    f"x{cpu / smtp_cpu if smtp_cpu else float('nan'):.1f} the SMTP server's CPU"
                    f"  {load()}"
                )
            if sent and connection.vendor == "postgresql":
                print(
                    f"e-mails database: PostgreSQL backends {db.value / sent * 1000:.2f} ms CPU "
                    f"per message -> sender + database {(cpu + db.value) / sent * 1000:.2f} ms, "
                    f"x{(cpu + db.value) / smtp_cpu if smtp_cpu else float('nan'):.1f} the SMTP "
                    "server's CPU"
                )
            if sent:
                whole = cpu + db.value + smtp_cpu  # every CPU-second this run's messages cost
                print(
                    f"e-mails ceiling: {os.cpu_count()} cores / {whole / sent * 1000:.2f} ms of CPU "
                    f"per message (sender, database, SMTP server) = {sent * os.cpu_count() / whole:.0f}"
                    " messages/s with these costs, both cores busy"
                )
            if sent != args.emails or count.value != args.emails:
                print("MISMATCH: some messages were not delivered exactly once")

        if args.letters:
            c0 = cpu_seconds(me)
            t0 = time.perf_counter()
            batch = create_batch(company, letter_ids, channel="letter", as_of=as_of)
            t1 = time.perf_counter()
            pdf, pages = letters_pdf(batch)
            t2 = time.perf_counter()
            print(
                f"letters: {args.letters} letters, {pages} pages, {len(pdf) // 1024} KiB; "
                f"batch written in {t1 - t0:.1f} s, PDF in {t2 - t1:.1f} s"
            )
            if pages != args.letters:  # every bench letter fits on one page
                print(f"PAGES: {pages} pages for {args.letters} letters (one each expected)")
            cpu = cpu_seconds(me) - c0
            print(f"letters end to end: {args.letters / (t2 - t0):.1f} letters/s (wall clock)")
            print(f"letters CPU: {cpu:.1f} s -> {args.letters / cpu:.1f} letters per CPU-second")
            floor_cpu = weasyprint_alone(batch)
            print(
                f"letters floor: WeasyPrint alone, same HTML, {args.letters / floor_cpu:.1f} "
                f"letters per CPU-second -> ours is {floor_cpu / cpu:.2f} of it  {load()}"
            )
            print(
                f"letters ceiling: {os.cpu_count()} cores x WeasyPrint alone = "
                f"{os.cpu_count() * args.letters / floor_cpu:.1f} letters/s at best on this machine"
            )
    server.terminate()


def load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def weasyprint_alone(batch) -> float:
    """CPU seconds of WeasyPrint rendering the batch's letters, the same HTML our letter
    channel renders, in parts of the same size, one after the other in this process:
    no database, no parallel processes, no join."""

    from weasyprint import HTML

    from channels.letter.transport import _frame, letter_html
    from printing.pdf import part_sizes
    from reminders.rendering import build_letter

    company = batch.company
    rows = batch.reminders.select_related("customer").order_by("customer__name", "pk")
    letters = [
        build_letter(company, r.recipient, r.subject, r.body_html, r.language,
                     company.today(r.created_at))
        for r in rows
    ]  # fmt: skip
    head, tail = _frame()
    sections = [letter_html(letter) for letter in letters]
    htmls, at = [], 0
    for size in part_sizes(len(sections)):
        htmls.append(head + "".join(sections[at : at + size]) + tail)
        at += size
    start = time.process_time()
    for html in htmls:
        HTML(string=html).write_pdf()
    return time.process_time() - start


def backend_cpu() -> float:
    """CPU seconds of this process's PostgreSQL backend so far (0 on SQLite): the server
    runs on this machine, and its share of a message counts toward the rate as ours does."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cpu_seconds(cursor.fetchone()[0])


def _drain(batch_id: int, db) -> None:
    from django.db import connection

    from reminders.models import Batch
    from reminders.sending import send_outbox

    connection.close()
    send_outbox(Batch.objects.get(pk=batch_id))
    spent = backend_cpu()  # before its connection closes with the process
    with db.get_lock():
        db.value += spent


if __name__ == "__main__":
    main()
