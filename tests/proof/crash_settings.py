"""Settings for the crash workers: a 'sending' row older than a few seconds is a dead
worker's (the bench kills them on purpose), so it goes to review quickly."""

import os

from relance.settings import *  # noqa: F403

RELANCE_OUTBOX_TIMEOUT = int(os.environ.get("RELANCE_OUTBOX_TIMEOUT", "4"))
RELANCE_OUTBOX_CHUNK = int(os.environ.get("RELANCE_OUTBOX_CHUNK", "25"))
