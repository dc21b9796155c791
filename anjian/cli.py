"""The ``anjian`` console script: Django's management commands with our settings.

Commands are written the way users type them (``anjian import-divisions``,
``anjian import units FILE``); the module names behind them use underscores, and
``import``/``export`` (Python keywords) live in ``import_ledger``/``export_ledger``.
"""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_ledger", "export": "export_ledger"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    args = list(sys.argv if argv is None else argv)
    if len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1].replace("-", "_"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
