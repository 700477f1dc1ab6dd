import pytest
from django.core.management import CommandError, call_command

from receivables.models import Document

from .conftest import csv_bytes


def test_it_imports_a_file_and_prints_the_counts(company, seed_screen, tmp_path, capsys):
    path = tmp_path / "relance.txt"
    path.write_bytes(seed_screen)
    call_command("import", str(path))
    assert "2 créées" in capsys.readouterr().out
    assert Document.objects.count() == 2


def test_it_fails_with_the_error_list_and_imports_nothing(company, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes(["Id;Date;Echéance;Client;Montant", "1;06/03/24;31/02/24;X;1"]))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import", str(path), "--company", company.name)
    assert "ligne 2, Echéance" in capsys.readouterr().err
    assert Document.objects.count() == 0


def test_the_console_script_exits_non_zero(company, tmp_path):
    import subprocess
    import sys

    path = tmp_path / "f.csv"
    path.write_bytes(b"Id;Date\n1;x\n")
    with pytest.raises(SystemExit) as exc:
        from relance.cli import main

        sys.argv = ["relance", "import", str(path), "--kind", "invoices"]
        main()
    assert exc.value.code == 1
    del subprocess


def test_the_error_count_says_how_many_lines_it_lists(company, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(
        csv_bytes(
            [
                "Id;Date;Echéance;Client;Montant;Mode pmt;Statut",
                "1;06/03/24;31/03/24;X;1;Manuel;Posted",
                "2;06/03/24;31/03/24;X;1;Manuel;Posted",
            ]
        )
    )
    with pytest.raises(CommandError, match="2 error\\(s\\) on 2 line\\(s\\)"):
        call_command("import", str(path))
    err = capsys.readouterr().err
    assert "« Manuel » (2 ligne(s) : 2, 3)" in err and "« Posted » (2 ligne(s) : 2, 3)" in err


def test_an_unknown_preset_is_refused_naming_the_known_ones(company, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes(["Id;Date;Echéance;Client;Montant", "1;06/03/24;31/03/24;X;1"]))
    with pytest.raises(CommandError, match="1 error\\(s\\), nothing imported"):
        call_command("import", str(path), "--preset", "nope")
    assert "modèle inconnu : nope (connus : odoo" in capsys.readouterr().err


def test_a_header_under_title_lines_is_named_by_its_own_line(company, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(
        csv_bytes(
            ["Factures clients", "Exporté le 03/12/2026", "Numéro;Date;Client", "F1;01/03/24;X"]
        )
    )
    with pytest.raises(CommandError):
        call_command("import", str(path), "--company", company.name, "--kind", "invoices")
    err = capsys.readouterr().err
    assert "ligne 3" in err and "colonne manquante" in err and "ligne 1" not in err


def test_an_undetectable_layout_under_a_title_names_the_header_line(company, tmp_path, capsys):
    path = tmp_path / "f.csv"
    path.write_bytes(csv_bytes(["Mon export", "", "Foo;Bar;Baz", "1;2;3"]))
    with pytest.raises(CommandError):
        call_command("import", str(path), "--company", company.name)
    err = capsys.readouterr().err
    assert "ligne 3" in err and "ligne 1" not in err


def test_the_hint_to_map_an_unknown_layout_speaks_french(company, tmp_path, capsys):
    path = tmp_path / "export.csv"
    path.write_text("Ref;Cust;Issued;Gross\nA-1;Acme;01/03/2024;10.00\n")
    with pytest.raises(CommandError):
        call_command("import", str(path), "--kind", "invoices")
    err = capsys.readouterr().err
    assert "Colonnes ou valeurs non reconnues" in err and "--preset NOM" in err
    assert "not recognised" not in err
