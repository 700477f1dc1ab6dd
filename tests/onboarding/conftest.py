"""The browser of the web tests (Debian's chromium, pages watched for CSP violations)."""

from tests.web.conftest import browser, no_csp_violation  # noqa: F401
