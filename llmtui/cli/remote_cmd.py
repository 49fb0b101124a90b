"""llmtui remote [user@]host: detect a machine over ssh and save it as a profile."""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import replace

from . import exitcodes
from .common import catalog, fail, warn


def default_name(host: str) -> str:
    name = host.rsplit("@", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "remote"


def cmd_remote(args: argparse.Namespace) -> int:
    from ..core.profiles import Profile, ProfileError, load_profile, save_profile
    from ..core.remote import RemoteError, check_host, probe_remote
    from .detect_cmd import detect_text

    try:
        check_host(args.host)
    except RemoteError as e:
        fail(str(e))
    cat = catalog()
    try:
        m = probe_remote(args.host, cat, options=args.ssh_option, timeout=args.timeout)
    except RemoteError as e:
        fail(str(e), exitcodes.REMOTE)
    name = args.name or default_name(args.host)
    try:
        from ..core.profiles import check_name

        name = check_name(name)
    except ProfileError as e:
        fail(str(e))
    saved = None
    if not args.no_save:
        build = replace(m.build, name=name)
        try:
            existing = load_profile(name, cat)
        except ProfileError:
            existing = None
        if existing is not None and existing.origin != f"remote:{args.host}":
            fail(f"a profile named '{name}' exists and did not come from {args.host}; choose another with --name")
        try:
            saved = save_profile(Profile(name, build), cat, overwrite=True)
        except ProfileError as e:
            fail(str(e))
    if args.json:
        data = m.to_json()
        data["profile"] = {"name": name, "path": str(saved) if saved else None}
        print(json.dumps(data, indent=2))
    else:
        print(detect_text(m))
        if saved:
            print(f"saved as profile '{name}' ({saved}); use it with --profile {name}")
    for w in m.warnings:
        warn(f"{args.host}: {w}")
    return exitcodes.OK
