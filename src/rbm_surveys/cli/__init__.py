"""The ``rbm`` command: a thin shell over the API.

Each sub-command lives in its own module (``rbm_surveys.cli.<name>``) exposing
``register(subparsers)``, which adds its parser and sets ``func``. Heavy imports happen inside
the command, so ``rbm --help`` stays fast.

What happens on failure (nothing prints a traceback unless ``--debug``):

* an :class:`~rbm_surveys.errors.RbmError` (the user's input or environment) → one line on
  stderr, ``rbm: error [CODE]: where: what — what to do``, exit 2;
* anything else is a bug → ``rbm: internal error: Type: message (run with --debug and report
  it)``, exit 70 (``EX_SOFTWARE``);
* SIGINT (Ctrl-C) → exit 130, SIGTERM → exit 143: both raise inside the command, so every
  output being written is abandoned whole (files are written atomically and a run's set of
  files is swapped in only at its end, :mod:`rbm_surveys.files`) — the previous outputs stay
  as they were;
* cell values quoted in any message are masked when they look personal (phone, e-mail,
  id number, GPS: :func:`rbm_surveys.surveys.privacy.mask_personal_text`).
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence
from types import FrameType

from rbm_surveys import __version__
from rbm_surveys.errors import RbmError

__all__ = ["main", "build_parser"]

#: Sub-command modules, in the order ``rbm --help`` lists them.
COMMANDS = ("demo", "inspect", "weight", "survey", "docs", "review", "audit", "framework",
            "report", "scale")

EXIT_USER_ERROR = 2
#: ``EX_SOFTWARE`` of sysexits.h: an internal error (a bug to report)
EXIT_INTERNAL_ERROR = 70
EXIT_SIGINT = 130
EXIT_SIGTERM = 143


class Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM (like KeyboardInterrupt)."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def _masked(text: str) -> str:
    try:
        from rbm_surveys.surveys.privacy import mask_personal_text
    except Exception:  # noqa: BLE001 - a broken install must still print the error
        return text
    return mask_personal_text(text)


def _one_line(text: str, limit: int = 2000) -> str:
    text = " ".join(str(text).split()) if "\n" not in text else text
    return text if len(text) <= limit else text[:limit] + " …"


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
    """Run the ``rbm`` command line; returns the exit status (see the module docstring)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (e.g. called from a worker): leave it
        pass
    try:
        return int(args.func(args) or 0)
    except RbmError as exc:
        if args.debug:
            raise
        print(f"rbm: error [{exc.code}]: {_masked(str(exc))}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("rbm: interrupted; outputs of this run were not written", file=sys.stderr)
        return EXIT_SIGINT
    except Terminated:
        print("rbm: terminated (SIGTERM); outputs of this run were not written", file=sys.stderr)
        return EXIT_SIGTERM
    except BrokenPipeError:  # output piped into `head` and closed: not an error
        sys.stderr.close()
        return 0
    except MemoryError:
        if args.debug:
            raise
        print("rbm: error: out of memory — close other programs, or split the input and run "
              "again", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    except Exception as exc:  # noqa: BLE001 - the last resort: one line, never a traceback
        if args.debug:
            raise
        detail = _one_line(_masked(f"{type(exc).__name__}: {exc}"))
        print(f"rbm: internal error: {detail} (run with --debug and report it)", file=sys.stderr)
        return EXIT_INTERNAL_ERROR
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
