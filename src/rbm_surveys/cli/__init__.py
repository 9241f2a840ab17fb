"""The ``rbm`` command: a thin shell over the API.

Each sub-command lives in its own module (``rbm_surveys.cli.<name>``) exposing
``register(subparsers)``, which adds its parser and sets ``func``. Heavy imports happen inside
the command, so ``rbm --help`` stays fast. An :class:`~rbm_surveys.errors.RbmError` is printed
as one line on stderr and the command exits 2; nothing prints a traceback unless ``--debug``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from rbm_surveys import __version__
from rbm_surveys.errors import RbmError

__all__ = ["main", "build_parser"]

#: Sub-command modules, in the order ``rbm --help`` lists them.
COMMANDS = ("demo", "inspect", "weight", "survey", "docs", "review", "framework", "report")

EXIT_USER_ERROR = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rbm",
        description="Results-based monitoring: perception surveys and policy documents "
        "to auditable indicator values.",
    )
    parser.add_argument("--version", action="version", version=f"rbm_surveys {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"rbm_surveys.cli.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args) or 0)
    except RbmError as exc:
        if args.debug:
            raise
        print(f"rbm: error [{exc.code}]: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("rbm: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
