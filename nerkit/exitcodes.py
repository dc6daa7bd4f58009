"""One table of exit statuses for every nerkit command (README, "Exit statuses")."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    # The command ran and failed: an unexpected error, a registry error, problems found by
    # ``python -m nerkit.formats check``. (Hydra's own configuration errors also exit 1.)
    FAILED = 1
    # Refused: a command-line usage error (argparse), or the promotion gate said no.
    REFUSED = 2
    # Could not start: serve had no model ready, serve.batch had bad settings or input
    # (nothing was written).
    NOT_STARTED = 3
