"""llmtui profiles list|show|save|export|import|delete|rename|duplicate."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import exitcodes
from .common import catalog, fail, resolve_build, warn


def _profile_json(p: object) -> dict[str, object]:
    from ..core.profiles import profile_to_dict

    d = profile_to_dict(p)  # type: ignore[arg-type]
    d["path"] = str(getattr(p, "path", "") or "")
    d["build"] = p.build.describe()  # type: ignore[attr-defined]
    return d


def cmd_profiles(args: argparse.Namespace) -> int:
    from ..core.output import plain_table, to_json
    from ..core.profiles import (
        Profile,
        ProfileError,
        delete_profile,
        duplicate_profile,
        export_profile,
        import_profile,
        list_profiles,
        load_profile,
        profile_text,
        rename_profile,
        save_profile,
    )

    cat = catalog()
    try:
        if args.action == "list":
            profiles, errors = list_profiles(cat)
            for e in errors:
                warn(e)
            if args.json:
                print(to_json([_profile_json(p) for p in profiles]))
            else:
                rows = [[p.name, p.build.describe(), p.engine, str(p.path or "")] for p in profiles]
                sys.stdout.write(plain_table(("name", "build", "engine", "file"), rows))
            return exitcodes.OK if profiles else exitcodes.NO_RESULT
        if args.action == "show":
            p = load_profile(args.name, cat)
            if args.json:
                print(to_json(_profile_json(p)))
            else:
                print(f"{p.name}: {p.build.describe()} · engine {p.engine} · {p.path}")
                sys.stdout.write(profile_text(p))
            return exitcodes.OK
        if args.action == "save":
            from ..core.estimate import find_engine

            if find_engine(args.engine) is None:
                fail(f"unknown engine '{args.engine}'")
            build = resolve_build(args, cat)
            from dataclasses import replace

            build = replace(build, name=args.name)
            path = save_profile(Profile(args.name, build, engine=args.engine), cat, overwrite=args.force)
            print(f"saved '{args.name}' ({build.describe()}) to {path}")
            return exitcodes.OK
        if args.action == "export":
            if args.output:
                out = export_profile(args.name, cat, Path(args.output))
                print(f"wrote {out}")
            else:
                sys.stdout.write(profile_text(load_profile(args.name, cat)))
            return exitcodes.OK
        if args.action == "import":
            p = import_profile(Path(args.file), cat, name=args.name, overwrite=args.force)
            print(f"imported '{p.name}' ({p.build.describe()}) to {p.path}")
            return exitcodes.OK
        if args.action == "delete":
            path = delete_profile(args.name, cat)
            print(f"deleted {path}")
            return exitcodes.OK
        if args.action == "rename":
            path = rename_profile(args.name, args.new_name, cat)
            print(f"renamed to {path}")
            return exitcodes.OK
        if args.action == "duplicate":
            path = duplicate_profile(args.name, args.new_name, cat)
            print(f"copied to {path}")
            return exitcodes.OK
    except ProfileError as e:
        fail(str(e))
    fail(f"unknown action {args.action}")
