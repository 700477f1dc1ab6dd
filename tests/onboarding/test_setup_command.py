"""`relance setup`: a company, its administrator and membership from an empty database."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dunning.models import Policy
from receivables.models import Company, Membership, Role

from .test_ready_on_creation import assert_ready


def setup(*args, **kwargs) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("setup", *args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def password(settings):
    settings.RELANCE_ADMIN_PASSWORD = "un-vrai-mot-de-passe-2026"
    return settings.RELANCE_ADMIN_PASSWORD


@pytest.mark.django_db
def test_it_creates_the_company_its_admin_and_membership_ready_to_remind(password):
    out, _err = setup("--company", "Test SARL", "--admin", "marie", "--siren", "732 829 320",
                      "--iban", "FR76 3000 6000 0112 3456 7890 189", "--email", "compta@test.example")  # fmt: skip
    company = Company.objects.get()
    assert (company.name, company.siren, company.iban) == (
        "Test SARL", "732829320", "FR7630006000011234567890189"
    )  # fmt: skip
    assert (company.country, company.language, company.currency) == ("FR", "fr", "EUR")
    membership = Membership.objects.get()
    assert (membership.user.username, membership.company, membership.role) == (
        "marie", company, Role.ADMIN
    )  # fmt: skip
    assert_ready(company)
    assert "Société « Test SARL » créée" in out and password not in out
    assert membership.user.check_password(password)


@pytest.mark.django_db
def test_a_generated_password_is_printed_once_and_a_second_run_changes_nothing():
    out, _err = setup("--company", "Test SARL", "--admin", "marie")
    line = next(line for line in out.splitlines() if "affiché une seule fois" in line)
    generated = line.rsplit(" : ", 1)[1]
    assert Membership.objects.get().user.check_password(generated)
    counts = (Company.objects.count(), Policy.objects.count(), Membership.objects.count())
    again, err = setup("--company", "test sarl", "--admin", "marie", "--siren", "552100554")
    assert "rien n'a été modifié" in again and generated not in again
    assert "--siren" in err  # a value it did not write is named
    assert (Company.objects.count(), Policy.objects.count(), Membership.objects.count()) == counts
    assert Company.objects.get().siren == ""
    assert Membership.objects.get().user.check_password(generated)  # untouched


@pytest.mark.django_db
def test_errors_name_the_field_and_nothing_is_written(password):
    with pytest.raises(CommandError) as caught:
        setup("--company", "Test SARL", "--admin", "marie", "--siren", "732829321",
              "--iban", "FR7630006000011234567890188", "--currency", "EURO")  # fmt: skip
    assert caught.value.returncode == 2
    message = str(caught.value)
    assert "--siren: SIREN invalide : la clé de contrôle est fausse" in message
    assert "--iban: IBAN invalide : la clé de contrôle est fausse" in message
    assert "--currency: devise inconnue : EURO" in message
    assert not Company.objects.exists() and not Membership.objects.exists()


@pytest.mark.django_db
def test_in_english_with_language_en(password):
    with pytest.raises(CommandError) as caught:
        setup("--company", "Test Ltd", "--admin", "mary", "--language", "en", "--siren", "123")
    assert "--siren: invalid SIREN: wrong number of digits" in str(caught.value)
    out, _err = setup("--company", "Test Ltd", "--admin", "mary", "--language", "en")
    assert "Company “Test Ltd” created" in out


@pytest.mark.django_db
def test_a_login_of_another_company_is_refused(password, charlie):
    with pytest.raises(
        CommandError, match="--admin: « charlie » est déjà membre de la société « Charlie SA »"
    ):
        setup("--company", "Test SARL", "--admin", "charlie")
    assert not Company.objects.filter(name="Test SARL").exists()


@pytest.mark.django_db
def test_a_weak_password_is_refused(settings):
    settings.RELANCE_ADMIN_PASSWORD = "1234"
    with pytest.raises(CommandError, match="mot de passe: "):
        setup("--company", "Test SARL", "--admin", "marie")
    assert not Company.objects.exists()


def test_the_console_script_exits_2_naming_the_field(tmp_path):
    """The real `relance` script on an empty SQLite file: exit 2, the field named, no traceback."""
    relance = Path(sys.executable).with_name("relance")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
           "RELANCE_ADMIN_PASSWORD": "un-vrai-mot-de-passe-2026"}  # fmt: skip
    subprocess.run([relance, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    bad = subprocess.run([relance, "setup", "--company", "X", "--admin", "x", "--iban", "FR00"],
                         env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert bad.returncode == 2 and "--iban: IBAN invalide" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = subprocess.run([relance, "setup", "--company", "X", "--admin", "x"],
                          env=env, capture_output=True, text=True, timeout=60)  # fmt: skip
    assert good.returncode == 0 and "Société « X » créée" in good.stdout
