from datetime import date

import pytest

TODAY = date(2024, 3, 15)

# The seed screen, copied from the ERP as it shows it (tab separated, totals line included).
SEED_SCREEN = (
    "Id\tDate\tEchéance\tRetard\tMode pmt\tClient\tNom, prénom\tNature\tMontant\tRéglé\tSolde\t%Rgl\n"
    "5\t06/03/24\t13/03/24\t2\t<non précisé>\tANYWAY SARL\tDRATEY Daisy\tPommes de terre Bintje\t5,10\t\t5,10\t\n"
    "3\t01/03/24\t08/03/24\t7\tCarte\tLENTY Sarah\t\tLivraisons Janvier-Février\t720,00\t\t720,00\t\n"
    "Somme\t\t\t\t\t\t\t\t725,10\t0,00\t725,10\t\n"
)


@pytest.fixture
def seed_screen() -> bytes:
    return SEED_SCREEN.encode("utf-8")


def csv_bytes(rows: list[str], encoding: str = "utf-8") -> bytes:
    return ("\n".join(rows) + "\n").encode(encoding)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploads kept for the mapping step go to a scratch folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
