"""Benchmark: a reply mailbox with 10,000 messages waiting (replies with attachments,
HTML replies, out-of-office notices, Postfix and Exim bounces), read by `fetch_mailbox`.

    .venv/bin/python bench/fetch_mail.py                  # 10,000 messages
    .venv/bin/python bench/fetch_mail.py --messages 2000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relance_bench_fetch .venv/bin/python bench/fetch_mail.py

A real Dovecot (as in the tests) on a loopback port; the messages are filed into its
maildir as a delivery agent would. The floor, measured in the same run on the same
messages: imap-tools alone fetching them all (same chunks, nothing done with them).
Then Relance's fetch (classify, match, record, apply, move) and a second fetch of the
same messages copied back into the folder (must record nothing). Memory: the process's
resident size sampled every 1,000 messages (flat = no growth with the count).
Uses a fresh SQLite file unless DATABASE_URL is set (that database is made anew).
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.send import fresh_database  # noqa: E402
from tests.inbox import dovecot, mails  # noqa: E402
from tests.inbox.dovecot import USERS  # noqa: E402


def rss_mib() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def file_messages(root: Path, raws) -> None:
    """Write the messages into alice's maildir (new/), owned by Dovecot's mail user."""
    new = root / "mail" / "alice" / "new"  # maildir:@DIR@/mail/%u
    for sub in ("new", "cur", "tmp"):
        (new.parent / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(raws):
        (new / f"{1_700_000_000 + i}.M{i}P1.bench").write_bytes(raw)
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "mail:mail", str(root / "mail")], check=True)


def make_data(n_customers: int):
    from django.utils import timezone

    from receivables.models import Company, Customer
    from reminders.models import Reminder, ReminderState

    company = Company.objects.create(name="Bench SARL", email="compta@bench.example")
    Customer.objects.bulk_create(
        Customer(
            company=company,
            code=f"C{i}",
            name=f"Client {i}",
            emails=f"c{i}@cust.example",
            address="1 rue",
            postal_code="75001",
            city="Paris",
        )  # fmt: skip
        for i in range(n_customers)
    )
    customers = list(Customer.objects.filter(company=company).order_by("pk"))
    now = timezone.now()
    Reminder.objects.bulk_create(
        Reminder(
            company=company,
            customer=c,
            channel="email",
            state=ReminderState.SENT,
            sent_at=now,
            recipient=[c.emails],
        )  # fmt: skip
        for c in customers
    )
    rows = list(Reminder.objects.filter(company=company).order_by("pk"))
    for r in rows:
        r.message_id = f"<reminder-{r.pk}.{company.pk}@bench.example>"
    Reminder.objects.bulk_update(rows, ["message_id"], batch_size=1000)
    return company, rows


def messages(n: int, reminders, seed: int = 19):
    """A mix as a collector's inbox holds it: 55 % replies (Thunderbird with a PDF,
    Outlook HTML), 25 % out-of-office, 10 % bounces (Postfix, Exim), 10 % from strangers."""
    rnd = random.Random(seed)
    for i in range(n):
        r = rnd.choice(reminders)
        to = r.recipient[0]
        pick = rnd.random()
        if pick < 0.30:
            raw = mails.thunderbird_reply(r.message_id[1:-1], sender=to, msg_id=f"tb{i}@cust.example",
                                          pdf=b"%PDF-1.4 " + os.urandom(2000))  # fmt: skip
        elif pick < 0.55:
            raw = mails.outlook_html_reply(r.message_id[1:-1], sender=to)
            raw = raw.replace(b"<PR3P195MB0723A1B2C3D4E5F6@", f"<ol{i}.".encode() + b"PR3@", 1)
        elif pick < 0.80:
            raw = mails.exchange_out_of_office(r.message_id[1:-1], sender=to)
            raw = raw.replace(b"<7c1e9a2b", f"<oof{i}.".encode(), 1)
        elif pick < 0.85:
            raw = mails.postfix_bounce(r.message_id, rcpt=to).replace(
                b"<20260310", f"<pf{i}.".encode(), 1
            )
        elif pick < 0.90:
            raw = mails.exim_bounce(r.message_id, rcpt=to).replace(
                b"<E1tXyZ1", f"<ex{i}.".encode(), 1
            )
        else:
            raw = mails.unrelated(sender=f"x{i}@stranger.example").replace(
                b"<a1b2c3@", f"<u{i}@".encode(), 1
            )
        yield raw


def floor(host: str, port: int, chunk: int) -> tuple[float, int]:
    """imap-tools alone: every message fetched, in the same chunks, nothing done."""
    from imap_tools import MailBoxUnencrypted

    start, cpu, count = time.perf_counter(), time.process_time(), 0
    with MailBoxUnencrypted(host, port).login("alice", USERS["alice"], "INBOX") as box:
        uids = box.uids("ALL")
        for i in range(0, len(uids), chunk):
            for msg in box.fetch(uid_list=uids[i : i + chunk], mark_seen=False, bulk=True):
                count += len(msg.obj.as_bytes()) > 0
    return time.perf_counter() - start, time.process_time() - cpu, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=2_000)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="relance-bench-fetch-"))
    os.chmod(tmp, 0o755)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    os.environ["RELANCE_DATA_DIR"] = str(tmp)
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    if os.environ.get("DATABASE_URL"):
        fresh_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", "--noinput", verbosity=0)
    from inbox import fetch as fetch_module
    from inbox.models import AfterRead, Mailbox, Security

    company, reminders = make_data(args.customers)
    dovecot_root = tmp / "dovecot"
    dovecot_root.mkdir()
    server = dovecot.start(dovecot_root)
    port = server.port
    try:
        file_messages(dovecot_root, messages(args.messages, reminders))
        box = Mailbox(company=company, host="127.0.0.1", port=port, security=Security.NONE,
                      login="alice", after_read=AfterRead.MOVE)  # fmt: skip
        box.password = USERS["alice"]
        box.save()
        floor_s, floor_cpu, seen = floor("127.0.0.1", port, fetch_module.CHUNK)
        assert seen == args.messages, seen

        samples = []
        real_record = fetch_module.record_chunk
        counter = [0]

        def sampled(mailbox, uidvalidity, items, ctx):
            rows = real_record(mailbox, uidvalidity, items, ctx)
            before, counter[0] = counter[0], counter[0] + len(items)
            if counter[0] // 1000 > before // 1000:
                samples.append(round(rss_mib(), 1))
            return rows

        fetch_module.record_chunk = sampled
        start, cpu = time.perf_counter(), time.process_time()
        report = fetch_module.fetch_mailbox(box)
        ours_s, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
        fetch_module.record_chunk = real_record
        assert not report.error, report.error

        with fetch_module.connect(box, "Relance") as imap:  # the same messages, again
            imap.copy(imap.uids("ALL"), "INBOX")
        start = time.perf_counter()
        again = fetch_module.fetch_mailbox(box)
        again_s = time.perf_counter() - start
    finally:
        dovecot.stop(server)

    db = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    n = args.messages
    print(f"{n} messages, {db}, kinds: {dict(sorted(report.kinds.items()))}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"floor (imap-tools fetch only): {floor_s:6.1f} s  {n / floor_s:7.0f} msg/s"
          f"  (CPU {floor_cpu:.1f} s)")  # fmt: skip
    print(f"Relance fetch_mailbox:         {ours_s:6.1f} s  {n / ours_s:7.0f} msg/s"
          f"  = {ours_s / floor_s:.1f} x floor  (target <= 60 s)"
          f"  (CPU {ours_cpu:.1f} s = {ours_cpu / floor_cpu:.1f} x floor)")  # fmt: skip
    print(
        f"same messages again:           {again_s:6.1f} s  recorded {again.read}, known {again.known}"
    )
    print(f"resident memory every 1,000 messages (MiB): {samples}")
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
