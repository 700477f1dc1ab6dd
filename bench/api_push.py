"""Push N invoices through the REST API (batch endpoint), run the scan, read the worklist.

    .venv/bin/python bench/api_push.py [--invoices 10000] [--batch 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/relance_bench .venv/bin/python bench/api_push.py

A real HTTP server (wsgiref, one thread, 127.0.0.1 on a free port) serves Relance from a
throwaway SQLite file in a temporary folder (or the PostgreSQL database given, which
must be a scratch one: the bench adds a company to it). The client is a plain urllib
script, as an invoicing tool's would be. Prints invoices/s for each step.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def setup(tmp: str):
    if not os.environ.get("DATABASE_URL"):
        os.environ["RELANCE_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relance.settings")
    os.environ.setdefault("RELANCE_API_RATE", "100000/min")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from api.tokens import create_token
    from dunning.policies import ensure_default_policies
    from receivables.models import Company, Membership, Role

    call_command("migrate", verbosity=0)
    company = Company.objects.create(name=f"Bench {time.time():.0f}")
    ensure_default_policies(company)
    user = get_user_model().objects.create_user(f"bench-{company.pk}")
    Membership.objects.create(user=user, company=company, role=Role.ADMIN)
    return create_token(user, "bench")[1]


def serve():
    from relance.wsgi import application

    server = make_server("127.0.0.1", 0, application, handler_class=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/api"


def call(base: str, token: str, method: str, path: str, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        base + path,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--customers", type=int, default=500)
    parser.add_argument("--batch", type=int, default=10_000, help="invoices per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        token = setup(tmp)
        server, base = serve()
        from django.db import connection

        print(f"database: {connection.vendor}; server {base}")
        customers = [
            {"code": f"C{i:05d}", "name": f"Client {i}", "emails": [f"c{i}@example.org"]}
            for i in range(args.customers)
        ]
        t = time.perf_counter()
        call(base, token, "POST", "/customers/batch", {"items": customers})
        print(f"customers: {args.customers} in {time.perf_counter() - t:.2f} s")

        today = date.today()
        invoices = [
            {
                "number": f"F{i:07d}",
                "customer": f"C{i % args.customers:05d}",
                "issue_date": (today - timedelta(days=30 + i % 90)).isoformat(),
                "due_date": (today - timedelta(days=i % 90 - 5)).isoformat(),
                "amount": f"{100 + i % 900}.{i % 100:02d}",
                "description": "Livraison",
            }
            for i in range(args.invoices)
        ]
        t = time.perf_counter()
        for start in range(0, len(invoices), args.batch):
            result = call(
                base,
                token,
                "POST",
                "/invoices/batch",
                {"items": invoices[start : start + args.batch]},
            )
            assert result["created"] == len(invoices[start : start + args.batch]), result
        push = time.perf_counter() - t
        print(
            f"invoices pushed: {args.invoices} in {push:.2f} s = {args.invoices / push:,.0f} "
            f"invoices/s ({args.batch} per request)"
        )
        t = time.perf_counter()
        again = call(base, token, "POST", "/invoices/batch", {"items": invoices[: args.batch]})
        repush = time.perf_counter() - t
        print(
            f"same batch again: {again['unchanged']} unchanged in {repush:.2f} s "
            f"= {again['unchanged'] / repush:,.0f} invoices/s"
        )

        t = time.perf_counter()
        scan = call(base, token, "POST", "/scan", {"limit": 0})
        took = time.perf_counter() - t
        print(f"scan: {scan['changed']} changed, {scan['to_remind']} to remind in {took:.2f} s")

        t = time.perf_counter()
        page, rows = 1, 0
        while True:
            body = call(base, token, "GET", f"/worklist?page_size=500&page={page}")
            rows += len(body["items"])
            if page >= body["pages"]:
                break
            page += 1
        took = time.perf_counter() - t
        print(
            f"worklist: {rows} rows in {page} pages in {took:.2f} s = {rows / took:,.0f} rows/s; "
            f"total balance {body['totals']['balance']}"
        )
        server.shutdown()


if __name__ == "__main__":
    main()
