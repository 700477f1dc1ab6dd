"""relance api-token USER: create an API token and print it once."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.models import ApiToken
from api.tokens import TokenError, create_token, revoke


class Command(BaseCommand):
    help = "Create an API token for USER (scoped to the user's company), list or revoke tokens."

    def add_arguments(self, parser):
        parser.add_argument("user", nargs="?", help="username the token acts as")
        parser.add_argument("--name", default="api", help="what the token is for (default: api)")
        parser.add_argument("--list", action="store_true", help="list the tokens (never secrets)")
        parser.add_argument("--revoke", metavar="PREFIX", help="revoke the token starting so")

    def handle(self, *args, **options):
        if options["list"]:
            return self._list(options["user"])
        if options["revoke"]:
            return self._revoke(options["revoke"])
        if not options["user"]:
            raise CommandError("give a USER, or --list, or --revoke PREFIX", returncode=2)
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"unknown user: {options['user']}", returncode=2)
        try:
            token, raw = create_token(user, options["name"])
        except TokenError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stderr.write(
            f"Token '{token.name}' for {user} at {token.company} "
            f"({user.membership.role}); it will not be shown again:"
        )
        self.stdout.write(raw)

    def _list(self, username):
        tokens = ApiToken.objects.select_related("user", "company").order_by("created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for t in tokens:
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
            self.stdout.write(f"{t.prefix}…  {t.name}  {t.user}  {t.company}  {state}  used {used}")

    def _revoke(self, prefix):
        tokens = list(ApiToken.objects.filter(prefix__startswith=prefix, revoked_at__isnull=True))
        if len(tokens) != 1:
            found = "no" if not tokens else "several"
            raise CommandError(f"{found} active token starts with {prefix!r}", returncode=2)
        revoke(tokens[0])
        self.stdout.write(f"revoked {tokens[0]}")
