"""The HTTP side of scripts/prod_smoke.sh (run it through that script).

prod_smoke.py setup   a company with its default procedures, a user, an API token (printed)
prod_smoke.py run     log in, import, scan, send SMOKE_N reminders, check what arrived
"""

import os
import re
import sys
import time
from datetime import date, timedelta

import requests

USER, PASSWORD = "smoke", "smoke-password-0123"


def setup() -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from api.tokens import create_token
    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Membership, Role
    from reminders.defaults import ensure_default_templates

    if Company.objects.exists():
        sys.exit("prod smoke: the database is not empty (give it an empty or disposable one)")
    company = Company.objects.create(
        name="Smoke SARL", email="compta@smoke.example", iban="FR7630006000011234567890189"
    )
    ensure_default_policies(company)
    ensure_default_templates(company)
    user = get_user_model().objects.create_user(USER, password=PASSWORD)
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    print(create_token(user, "smoke")[1])


def check(condition: bool, what: str) -> None:
    if not condition:
        sys.exit(f"prod smoke: FAILED: {what}")
    print(f"  ok  {what}", flush=True)


class Site:
    def __init__(self, url: str, token: str):
        self.url, self.token = url, token
        self.http = requests.Session()

    def wait_up(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                self.http.get(self.url + "/healthz", timeout=10)
                return
            except requests.RequestException:
                time.sleep(0.2)
        sys.exit("prod smoke: FAILED: the web server did not answer")

    def post_form(self, path: str, data: dict, files=None):
        data = {**data, "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")}
        return self.http.post(self.url + path, data=data, files=files, timeout=120)

    def api(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"}
        return self.http.request(
            method, self.url + "/api" + path, headers=headers, timeout=120, **kwargs
        )


def files(n: int) -> tuple[bytes, bytes]:
    due = date.today() - timedelta(days=10)  # level 2, « Relance 1 », an e-mail
    customers = ["code;nom;email"] + [
        f"S{i:05d};Client {i:05d} SARL;c{i}@smoke.example" for i in range(n)
    ]
    invoices = ["numéro;date;échéance;montant;code client"] + [
        f"SF{i:05d};{due - timedelta(days=30)};{due};{100 + i % 50},00;S{i:05d}" for i in range(n)
    ]
    return "\n".join(customers).encode(), "\n".join(invoices).encode()


def run() -> None:
    n = int(os.environ["SMOKE_N"])
    site = Site(os.environ["SMOKE_URL"], os.environ["SMOKE_TOKEN"])
    started = time.monotonic()
    site.wait_up()
    site.http.get(site.url + "/accounts/login/")
    login = site.post_form("/accounts/login/", {"username": USER, "password": PASSWORD})
    check(login.url.rstrip("/") == site.url and login.ok, "logged in over HTTP")
    customers, invoices = files(n)
    for name, content, kind in (
        ("clients.csv", customers, "customers"),
        ("factures.csv", invoices, "invoices"),
    ):
        page = site.post_form("/import/", {"kind": kind}, files={"file": (name, content)})
        check(page.status_code == 200 and f"{n}" in page.text, f"imported {name} ({n} rows)")
    invoice_pdfs(n)
    scan = site.api("POST", "/scan", json={"limit": 0})
    check(
        scan.ok and scan.json()["to_remind"] == n,
        f"scan: {n} invoices to remind ({scan.text[:120]})",
    )
    ids = worklist_ids(site)
    check(len(ids) == n, f"the worklist lists the {n} invoices")
    t_send = time.monotonic()
    sent = site.post_form(
        "/relances/envoyer/", {"ids": ",".join(map(str, ids)), "channel": "email"}
    )
    check(sent.ok and "/relances/lots/" in sent.url, f"batch created ({sent.url})")
    lines = wait_for_messages(os.environ["SMOKE_SENT"], n, seconds=90)
    took = time.monotonic() - t_send
    message_ids = [line.split("\t")[0] for line in lines]
    recipients = [line.split("\t")[1] for line in lines]
    check(
        len(lines) == n,
        f"the SMTP server received {len(lines)} messages in {took:.1f} s ({n / took:.0f}/s)",
    )
    check(
        len(set(message_ids)) == n and len(set(recipients)) == n,
        "each message once, to each customer once",
    )
    time.sleep(0.5)  # the last outcome commits right after the SMTP server's reply
    left = site.api("GET", "/worklist").json()["count"]
    check(left == 0, f"the worklist is empty after the send ({left} left)")
    screen = site.http.get(site.url + "/relance/")
    check(screen.ok and "SF00000" not in screen.text, "the worklist screen no longer lists them")
    health = site.http.get(site.url + "/healthz")
    check(
        health.status_code == 200 and health.json()["status"] == "ok",
        "/healthz green" if health.ok else f"/healthz: {health.text[:500]}",
    )
    metrics = site.http.get(site.url + "/metrics").text
    sent_gauge = re.search(r'relance_reminders\{channel="email",state="sent"\} (\d+)', metrics)
    check(sent_gauge is not None and int(sent_gauge[1]) == n, "/metrics counts them sent")
    check('route="import/",status="200"' in metrics, "/metrics counts the HTTP requests")
    print(f"prod smoke: {n} reminders end to end in {time.monotonic() - started:.1f} s")


def invoice_pdfs(n: int) -> None:
    """Each invoice gets its own PDF, as if it came from the invoicing tool (a Factur-X
    import brings it): the e-mails carry real attachments, and the workers spend the test's
    minute sending them rather than drawing 1,000 invoices with WeasyPrint."""
    import django

    django.setup()
    from django.core.files.storage import default_storage

    from printing.pdf import html_to_pdf
    from receivables.models import Document

    base = html_to_pdf("<h1>Facture</h1><p>" + "Ligne de facture. " * 200 + "</p>")
    for doc in Document.objects.filter(number__startswith="SF"):
        name = default_storage.save(f"documents/smoke/{doc.number}.pdf", _content(base, doc.number))
        Document.objects.filter(pk=doc.pk).update(pdf=name)
    check(Document.objects.exclude(pdf="").count() == n, f"{n} invoice PDFs stored")


def _content(base: bytes, number: str):
    from django.core.files.base import ContentFile

    return ContentFile(base + f"\n% {number}\n".encode())  # distinct bytes per invoice


def worklist_ids(site: Site) -> list[int]:
    ids, page = [], 1
    while True:
        body = site.api("GET", "/worklist", params={"page": page, "page_size": 500}).json()
        ids += [row["id"] for row in body["items"]]
        if page >= body["pages"]:
            return ids
        page += 1


def wait_for_messages(path: str, n: int, seconds: float) -> list[str]:
    deadline, lines = time.monotonic() + seconds, []
    while time.monotonic() < deadline:
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            if len(lines) >= n:
                time.sleep(1)  # any duplicate would arrive right behind
                with open(path, encoding="utf-8") as f:
                    return f.read().splitlines()
        time.sleep(0.2)
    return lines


if __name__ == "__main__":
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    {"setup": setup, "run": run}[sys.argv[1]]()
