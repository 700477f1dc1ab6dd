import os
import re
import subprocess
import sys
from pathlib import Path

from relance.cli import overview


def test_the_overview_lists_the_routine_with_what_each_does(db, monkeypatch):
    monkeypatch.setenv("LANG", "fr_FR.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    text = overview()
    for name in ("scan", "worklist", "remind", "letters", "outbox", "api-token"):
        assert f"  {name} " in text
    assert "Affiche la liste à relancer" in text and "Codes de sortie" in text
    # one command a line, its name apart from its words, every line in French
    listed = [line for line in text.splitlines() if line.startswith("  ")]
    assert all(re.match(r"  [\w-]+ {2,}\S", line) for line in listed), listed
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "import-statement  Importe un relevé" in text
    for english in ("Print the", "Import customers", "Load the demo", "Remind the"):
        assert english not in text


def test_the_overview_speaks_english_when_asked(db, monkeypatch):
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    text = overview()
    assert "The morning routine:" in text and "Print the worklist" in text
    assert "Importe" not in text and "Exit codes" in text


def test_every_relance_command_has_help(cli):
    for name in ("worklist", "remind", "letters", "outbox", "api-token", "daily", "schedule"):
        run = cli(name, "--help")
        assert run.code == 0, (name, run.err)
        assert "usage: relance " + name in run.out
        assert "--company" in run.out or name in ("api-token", "schedule")


def test_the_console_script_answers_help():
    script = Path(sys.executable).with_name("relance")
    # PYTHONPATH: the code of this checkout, whatever the editable install last mapped.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])}
    done = subprocess.run([script, "--help"], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert "La routine du matin" in done.stdout or "The morning routine" in done.stdout


def test_an_unknown_option_is_a_usage_error(cli):
    run = cli("worklist", "--format", "xml")
    assert run.code == 2
    assert "invalid choice: 'xml'" in run.err
