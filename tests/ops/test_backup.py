"""relance backup / relance restore: a round trip on this test's database (SQLite or
PostgreSQL) gives back every table's rows and every stored file, byte for byte."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from receivables.models import Company, Invoice
from relance.ops.backup import media_digests, row_counts


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def stored(transactional_db, media, alice, make_invoice):
    invoice = make_invoice()
    (media / "documents").mkdir(parents=True)
    (media / "documents" / "F1.pdf").write_bytes(b"%PDF-1.7 facture F1\n" * 100)
    (media / "reminders" / "ab").mkdir(parents=True)
    (media / "reminders" / "ab" / "abcd.pdf").write_bytes(b"%PDF-1.7 preuve\n" * 50)
    Invoice.objects.filter(pk=invoice.pk).update(pdf="documents/F1.pdf")
    return invoice


def _wipe(media):
    call_command("flush", "--noinput", verbosity=0)
    for path in sorted(media.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


def test_a_backup_restores_into_an_empty_installation_with_the_same_rows_and_files(
    stored, media, tmp_path, capsys
):
    rows, files = row_counts(), media_digests()
    assert rows["receivables_document"] == 1 and len(files) == 2
    call_command("backup", str(tmp_path / "b1"))
    _wipe(media)
    assert Company.objects.count() == 0 and media_digests() == {}
    call_command("restore", str(tmp_path / "b1"))
    assert row_counts() == rows
    assert media_digests() == files
    assert Invoice.objects.get().pdf.read().startswith(b"%PDF-1.7 facture F1")
    assert "counts and digests match the backup" in capsys.readouterr().out


def test_restore_refuses_a_non_empty_installation_unless_forced(stored, media, tmp_path):
    call_command("backup", str(tmp_path / "b1"))
    Invoice.objects.update(amount=1)
    with pytest.raises(CommandError, match=r"not empty \(1 companies, 1 users, 2 media files\)"):
        call_command("restore", str(tmp_path / "b1"))
    assert Invoice.objects.get().amount == 1  # nothing touched
    call_command("restore", str(tmp_path / "b1"), "--force")
    assert Invoice.objects.get().amount == 100


def test_backup_wants_a_new_folder_and_restore_a_finished_backup(stored, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "x").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path / "used"))
    with pytest.raises(CommandError, match="holds no manifest.json"):
        call_command("restore", str(tmp_path / "used"))
