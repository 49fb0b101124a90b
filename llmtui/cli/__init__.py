"""The command-line twin of the app. Never imports textual: only bare `llmtui` opens the UI."""

from __future__ import annotations

import importlib
import sys

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
}


def run(argv: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return open_app(args.profile)
    module_name, func_name = COMMANDS[args.command].split(":")
    func = getattr(importlib.import_module(f".{module_name}", __name__), func_name)
    try:
        return int(func(args))
    except CliError as e:
        sys.stderr.write(f"llmtui {args.command}: {e}\n")
        return e.code
    except BrokenPipeError:  # `llmtui models | head`
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
    from ..core.estimate import cache
    from ..core.hardware import DetectionJob

    catalog = load_catalog()
    job = DetectionJob(catalog) if profile is None else None
    if cache.load((m.arch for m in catalog.models), "Q4_K_M") < len(catalog.models):
        cache.save((m.arch for m in catalog.models), "Q4_K_M")  # once, for the next start
    from ..ui.app import run_app

    return run_app(profile=profile, catalog=catalog, detection=job)
