from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..validators import validate_bic, validate_iban, validate_siren, validate_siret, validate_vat


class Company(models.Model):
    """The tenant: every other row belongs to exactly one company."""

    name = models.CharField(_("nom"), max_length=200)
    legal_name = models.CharField(_("raison sociale"), max_length=200, blank=True)
    address = models.TextField(_("adresse"), blank=True, help_text=_("Rue, code postal, ville"))
    country = models.CharField(_("pays"), max_length=2, default="FR")
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    siret = models.CharField("SIRET", max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(
        _("n° de TVA"), max_length=20, blank=True, validators=[validate_vat]
    )
    iban = models.CharField("IBAN", max_length=34, blank=True, validators=[validate_iban])
    bic = models.CharField("BIC", max_length=11, blank=True, validators=[validate_bic])
    email = models.EmailField(_("e-mail d'expédition"), blank=True)
    email_checked = models.EmailField(
        _("e-mail d'expédition vérifié"),
        blank=True,
        editable=False,
        help_text=_("L'adresse d'expédition qu'un e-mail d'essai a fait accepter au serveur SMTP."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    currency = models.CharField(_("devise"), max_length=3, default="EUR")
    language = models.CharField(_("langue"), max_length=5, default="fr")
    timezone = models.CharField(
        _("fuseau horaire"),
        max_length=64,
        default="Europe/Paris",
        help_text=_("« Aujourd'hui » pour les relances se décide dans ce fuseau."),
    )
    auto_send = models.BooleanField(
        _("envoi automatique"),
        default=False,
        help_text=_(
            "Chaque jour après le scan, envoyer sans intervention les rappels des niveaux "
            "marqués « envoi automatique »."
        ),
    )
    vat_on_debits = models.BooleanField(
        _("TVA d'après les débits"),
        default=False,
        help_text=_(
            "Option pour le paiement de la taxe d'après les débits : imprimée sur les "
            "factures de prestations de services."
        ),
    )
    # set by each scan (dunning.scan): /healthz and /metrics tell when cron stopped
    last_scan_at = models.DateTimeField(_("dernier scan"), null=True, blank=True, editable=False)
    last_scan_seconds = models.FloatField(_("durée du dernier scan (s)"), null=True, editable=False)
    legal_mentions = models.TextField(
        _("mentions légales"),
        blank=True,
        help_text=_(
            "Imprimées en pied des factures et des lettres (pénalités, indemnité de 40 €)."
        ),
    )

    class Meta:
        verbose_name = _("société")
        verbose_name_plural = _("sociétés")

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        """Its time zone, where « aujourd'hui » and the times on screens are read."""
        return zone_named(self.timezone)

    def today(self, now: datetime | None = None) -> date:
        """« Aujourd'hui » for this company (or the day `now` falls on): in its own time
        zone, not the server's. The scan, the screens, the API and the workers all ask here."""
        return today_in(self.timezone, now)

    @property
    def logo_path(self) -> str:
        """The stored logo as a file path ('' without one, or on a storage that has no
        paths): the only file a PDF of this company may load besides data: URIs."""
        if not self.logo:
            return ""
        try:
            return self.logo.path
        except (NotImplementedError, ValueError):
            return ""

    @property
    def display_name(self) -> str:
        return self.legal_name or self.name


class Role(models.TextChoices):
    VIEWER = "viewer", _("lecture seule")
    COLLECTOR = "collector", _("chargé de recouvrement")
    ADMIN = "admin", _("administrateur")


class Membership(models.Model):
    """Ties a login to its company and says what it may do there."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.COLLECTOR)

    class Meta:
        verbose_name = _("membre")
        verbose_name_plural = _("membres")

    def __str__(self) -> str:
        return f"{self.user} @ {self.company} ({self.role})"


FALLBACK_ZONE = "Europe/Paris"


def zone_named(name: str) -> ZoneInfo:
    """A company's zone from its stored name (Paris when this machine does not know it)."""
    try:
        return ZoneInfo(name or FALLBACK_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK_ZONE)


def today_in(zone_name: str, now: datetime | None = None) -> date:
    """The date `now` (default: this instant) falls on in the named zone; for the set-based
    scan, which reads zone names without loading companies."""
    return (now or timezone.now()).astimezone(zone_named(zone_name)).date()
