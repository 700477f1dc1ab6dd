from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from banking.models import StatementLine

from .writers import mt940, mv


def test_import_statement_command_finds_the_company_by_iban(company, other_company, tmp_path):
    path = tmp_path / "releve.sta"
    path.write_bytes(mt940([mv("10.00", "X", "merci"), mv("-3.00", "FRAIS")]))
    out = StringIO()
    call_command("import-statement", str(path), stdout=out)
    assert "2 ligne(s) nouvelle(s)" in out.getvalue() and "Alice SARL" in out.getvalue()
    call_command("import-statement", str(path), stdout=out)
    assert "0 ligne(s) nouvelle(s), 2 déjà importée(s)" in out.getvalue()
    assert StatementLine.objects.filter(company=company).count() == 2


def test_import_statement_command_names_the_bad_file(company, tmp_path):
    path = tmp_path / "bad.xml"
    path.write_bytes(b"hello")
    with pytest.raises(CommandError, match="bad.xml"):
        call_command("import-statement", str(path))
