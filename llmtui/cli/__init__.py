"""The command-line twin of the app. Never imports textual: only bare `llmtui` opens the UI."""

from __future__ import annotations

import contextlib
import importlib
import sys
from typing import Any

from . import exitcodes
from .args import build_parser
from .common import CliError

COMMANDS = {
    "models": "catalog_cmds:cmd_models",
    "hardware": "catalog_cmds:cmd_hardware",
    "estimate": "estimate_cmd:cmd_estimate",
    "detect": "detect_cmd:cmd_detect",
    "doctor": "detect_cmd:cmd_doctor",
    "profiles": "profiles_cmd:cmd_profiles",
    "plan": "plan_cmd:cmd_plan",
    "remote": "remote_cmd:cmd_remote",
    "import": "import_cmd:cmd_import",
    "paths": "catalog_cmds:cmd_paths",
    "catalog": "overlay_cmd:cmd_catalog",
    "scores": "scores_cmd:cmd_scores",
    "seed": "seed_cmd:cmd_seed",
    "bench": "bench_cmd:cmd_bench",
}


class _CleanStream:
    """The command line's one way out to the terminal: text written through it has no control
    characters but newlines and tabs (no escape sequence from data can reach the terminal)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        from ..core.boundary.text import multi_line

        self._stream.write(multi_line(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def run(argv: list[str]) -> int:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _CleanStream(out), _CleanStream(err)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is not None:
            return _command(args)
    finally:
        sys.stdout, sys.stderr = out, err
    return open_app(args.profile)


def _command(args: Any) -> int:
    module_name, func_name = COMMANDS[args.command].split(":")
    func = getattr(importlib.import_module(f".{module_name}", __name__), func_name)
    from ..core.boundary import InputError
    from ..core.files import WriteError

    try:
        code = int(func(args))
        from ..core.estimate import cache

        cache.flush()  # weights computed by this command, for the next one
        return code
    except CliError as e:
        sys.stderr.write(f"llmtui {args.command}: {e}\n")
        return e.code
    except (InputError, WriteError) as e:  # untrusted input or a file that cannot be written: one sentence
        sys.stderr.write(f"llmtui {args.command}: {e}\n")
        return exitcodes.USAGE
    except BrokenPipeError:  # `llmtui models | head`
        with contextlib.suppress(OSError):
            sys.stderr.close()
        return exitcodes.OK
    except KeyboardInterrupt:
        return 130


def open_app(profile: str | None) -> int:
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        sys.stderr.write(
            "llmtui: the app needs a terminal; without one use a subcommand, e.g. 'llmtui models --json' "
            "(see 'llmtui --help')\n"
        )
        return exitcodes.USAGE
    # Start detecting the hardware before the UI toolkit is imported: both take about as long.
    from ..core.catalog import load_catalog
    from ..core.hardware import DetectionJob

    catalog = load_catalog()
    job = DetectionJob(catalog, servers=False) if profile is None else None  # the servers: after the first frame
    from ..ui.app import run_app

    return run_app(profile=profile, catalog=catalog, detection=job)
