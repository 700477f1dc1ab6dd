"""Run `relance ...` in-process (same test database), capturing output and exit code."""

import io
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from unittest import mock

import pytest
from django.core.management import ManagementUtility


@dataclass
class Run:
    code: int
    out: str
    err: str


def relance(*argv: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    code = 0
    # run_from_argv closes every connection at the end, as a process exit would: here
    # that would drop the connection holding the test's transaction (PostgreSQL).
    keep = mock.patch("django.core.management.base.connections.close_all")
    with redirect_stdout(out), redirect_stderr(err), keep:
        try:
            ManagementUtility(["relance", *argv]).execute()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    return Run(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return relance


from tests.api.conftest import (  # noqa: E402, F401
    AS_OF,
    _fast_passwords,
    dunning_company,
    media,
    overdue,
    worklist_ready,
)


@pytest.fixture
def scanned(overdue):  # noqa: F811
    from dunning.scan import scan
    from receivables.models import Company

    scan(Company.objects.get(name="Alice SARL"), __import__("datetime").date.fromisoformat(AS_OF))
    return overdue
