"""A small file cannot take the server's memory or time: zip bombs, lying zip headers and
sheets or CSVs over the row and cell limits are refused naming the file and the limit,
on the import screen and in the CLI, and nothing is imported."""

import io
import struct
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from receivables.imports import ImportRejected, import_file
from receivables.models import Document
from tests.cli.conftest import relance

HEADER = ["Client", "N° facture", "Date", "Échéance", "Montant TTC"]
BOMB = 64 * 1024 * 1024  # the shared strings member inflates to 64 MB from ~64 kB


def _sheet(rows: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for n in range(rows):
        sheet.append(["ANYWAY SARL", f"F{n}", "06/03/2026", "05/04/2026", 12])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_member(xlsx: bytes, name: str, content: bytes, declared: int | None = None) -> bytes:
    """The workbook with `name` replaced by `content`; `declared`: the size its headers
    claim instead of the real one (a lying archive)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info, src.read(info))
        dst.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    data = bytearray(out.getvalue())
    if declared is not None:
        for signature, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
            start = data.rfind(signature)  # our member was written last
            data[start + at : start + at + 4] = struct.pack("<I", declared)
    return bytes(data)


def _bomb(declared: int | None = None) -> bytes:
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    strings += b"<si><t>" + b"A" * BOMB + b"</t></si></sst>"
    return _with_member(_sheet(1), "xl/sharedStrings.xml", strings, declared)


def _refused(company, data: bytes, name: str) -> tuple[str, int]:
    """The refusal's text and the peak memory the attempt took."""
    tracemalloc.start()
    try:
        with pytest.raises(ImportRejected) as exc:
            import_file(company, data, name, kind="invoices")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert Document.objects.count() == 0
    return "\n".join(str(e) for e in exc.value.errors), peak


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_inflated(company):
    text, peak = _refused(company, _bomb(), "bombe.xlsx")
    assert "« bombe.xlsx » : xl/sharedStrings.xml se décompresse" in text
    assert "RELANCE_IMPORT_MAX_ZIP_RATIO" in text
    assert peak < BOMB / 8


def test_an_archive_over_the_unzipped_size_is_refused(company, settings):
    settings.RELANCE_IMPORT_MAX_ZIP_RATIO = 10**6
    settings.RELANCE_IMPORT_MAX_BYTES = 8 * 1024 * 1024
    text, peak = _refused(company, _bomb(), "bombe.xlsx")
    assert "« bombe.xlsx » : plus de 8,0 Mio une fois décompressé" in text
    assert "RELANCE_IMPORT_MAX_BYTES" in text
    assert peak < BOMB / 8


def test_an_archive_that_lies_about_its_size_is_read_no_further_than_it_says(company):
    text, peak = _refused(company, _bomb(declared=1000), "menteur.xlsx")
    assert "classeur illisible" in text
    assert peak < BOMB / 8


def test_a_sheet_over_the_row_limit_is_refused_at_the_first_row_too_many(company, settings):
    settings.RELANCE_IMPORT_MAX_ROWS = 100
    text, _ = _refused(company, _sheet(150), "gros.xlsx")
    assert text == (
        "ligne 102 : « gros.xlsx » : plus de 100 lignes de données : découpez le fichier "
        "(limite RELANCE_IMPORT_MAX_ROWS)"
    )


def test_a_sheet_at_the_row_limit_is_imported(company, settings):
    settings.RELANCE_IMPORT_MAX_ROWS = 100
    assert import_file(company, _sheet(100), "juste.xlsx", kind="invoices").created == 100


def test_a_sheet_over_the_cell_limit_is_refused(company, settings):
    settings.RELANCE_IMPORT_MAX_CELLS = 50
    text, _ = _refused(company, _sheet(20), "large.xlsx")
    assert "« large.xlsx » : plus de 50 cellules" in text
    assert "RELANCE_IMPORT_MAX_CELLS" in text


def test_a_sheet_claiming_the_whole_grid_is_read_as_the_cells_it_has(company, settings):
    settings.RELANCE_IMPORT_MAX_CELLS = 2000  # 300 rows padded to 16,384 columns: 4.9 million
    xlsx = _sheet(300)
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        name = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        xml = z.read(name)
    start = xml.index(b"<sheetData")
    xml = xml[:start] + b'<dimension ref="A1:XFD1048576"/>' + xml[start:]
    result = import_file(company, _with_member(xlsx, name, xml), "grille.xlsx", kind="invoices")
    assert result.created == 300


def _csv(rows: int) -> bytes:
    lines = [";".join(HEADER)]
    lines += [f"ANYWAY SARL;F{n};06/03/2026;05/04/2026;12" for n in range(rows)]
    return "\n".join(lines).encode()


def test_the_import_screen_names_the_file_and_the_limit(alice_client, settings):
    settings.RELANCE_IMPORT_MAX_ROWS = 100
    upload = SimpleUploadedFile("clients.csv", _csv(101))
    r = alice_client.post("/import/", {"file": upload, "kind": "invoices"})
    assert r.status_code == 400
    assert "« clients.csv » : plus de 100 lignes de données" in r.content.decode()
    assert Document.objects.count() == 0


def test_the_import_screen_refuses_a_zip_bomb(alice_client):
    r = alice_client.post("/import/", {"file": SimpleUploadedFile("bombe.xlsx", _bomb())})
    assert r.status_code == 400
    assert "« bombe.xlsx » : xl/sharedStrings.xml se décompresse" in r.content.decode()
    assert Document.objects.count() == 0


def test_the_cli_names_the_file_and_the_limit(company, settings, tmp_path):
    settings.RELANCE_IMPORT_MAX_ROWS = 100
    path = tmp_path / "factures.csv"
    path.write_bytes(_csv(101))
    run = relance("import", str(path), "--kind", "invoices")
    assert run.code == 1
    assert "« factures.csv » : plus de 100 lignes de données" in run.err
    assert "factures.csv: 1 error(s) on 1 line(s), nothing imported" in run.err
    assert Document.objects.count() == 0


def test_an_einvoice_over_the_size_limit_is_refused(company, settings):
    settings.RELANCE_IMPORT_MAX_BYTES = 1000
    xml = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:'
    xml += b'xsd:Invoice-2"><ID>1</ID>' + b"<Note>x</Note>" * 100 + b"</Invoice>"
    text, _ = _refused(company, xml, "facture.xml")
    assert "« facture.xml » : plus de 1000 octets une fois décompressé" in text
