"""llmtui catalog add hf:ORG/REPO | --config FILE, llmtui catalog check: the user's overlay."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from . import exitcodes
from .common import catalog, fail


def cmd_catalog(args: argparse.Namespace) -> int:
    if args.action == "check":
        return _check(args)
    return _add(args)


def _add(args: argparse.Namespace) -> int:
    from ..core import overlay
    from ..core.boundary.text import one_line

    cat = catalog()
    if args.config:
        entry, replaces, written_from, skipped = _from_config(args, cat)
        prefix = "config"
    else:
        entry, replaces, written_from, skipped = _from_hub(args, cat)
        prefix = "hub"
    try:
        path, model = overlay.write_entry(entry, prefix, force=args.force)
    except overlay.OverlayError as e:
        fail(str(e))
    files = entry.get("files", [])
    if args.json:
        print(json.dumps({"file": str(path), "replaces": replaces, "skipped_files": skipped, "entry": entry}, indent=2))
        return exitcodes.OK
    print(f"wrote {path}")
    what = f"{model.name} ({model.id}): {model.arch.type}, {model.arch.layers} layers, {model.params_b:g}B parameters"
    if model.is_moe:
        what += f" ({model.active_params_b:g}B active)"
    print(what)
    print(f"architecture from {written_from}")
    if replaces:
        print(f"stands in for the bundled entry '{replaces}' (its name, licence, date and scores are kept)")
    if files:
        print(f"{len(files)} GGUF files with their real sizes:")
        for f in files:
            parts = f" in {f['parts']} parts" if f.get("parts", 1) > 1 else ""
            print(f"  {f['quant']:<12} {f['size_bytes'] / 1e9:8.2f} GB{parts}  {one_line(f['path'], limit=100)}")
    elif not args.config:
        print("no GGUF files in the repo: sizes are estimated from the architecture")
    for s in skipped:
        print(f"  not used: {s}")
    return exitcodes.OK


def _from_hub(args: argparse.Namespace, cat: Any) -> tuple[dict[str, Any], str, str, list[str]]:
    from ..core import hub, overlay
    from ..core.estimate import QUANTS

    gguf = {q for q, v in QUANTS.items() if v.family == "gguf"}
    try:
        repo_id = hub.parse_target(args.target)
        got = hub.fetch_repo(repo_id, gguf)
    except hub.HubError as e:
        fail(str(e), exitcodes.USAGE if e.offline else exitcodes.REMOTE)
    assert got.config is not None
    name = args.name or _display_name(got.config_repo)
    source = f"{overlay.HUB_URL}/{got.config_repo}/blob/{got.sha if got.config_repo == repo_id else 'main'}/config.json"
    try:
        entry, replaces = overlay.entry_from_config(
            got.config,
            name=name,
            repo=got.config_repo,
            source=source,
            catalog=cat,
            files=overlay.file_entries(repo_id, got.sha, got.files),
            license_=got.license,
            released=got.created,
            how=f"added from the Hub ({repo_id}) by llmtui catalog add"
            + ("; released = the Hub repo's creation date" if got.created else ""),
        )
    except overlay.OverlayError as e:
        fail(str(e))
    return entry, replaces, source, list(got.skipped)


def _from_config(args: argparse.Namespace, cat: Any) -> tuple[dict[str, Any], str, str, list[str]]:
    from ..core import overlay
    from ..core.boundary import InputError
    from ..core.boundary.reader import read_json
    from ..core.catalog.schema import is_hf_repo_id

    try:
        cfg = read_json(Path(args.config), what="config")
    except InputError as e:
        fail(str(e))
    if not isinstance(cfg, dict):
        fail(f"{args.config}: a config.json is a JSON object, this is a {type(cfg).__name__}")
    repo = args.repo or ""
    named = cfg.get("_name_or_path")
    if not repo and isinstance(named, str) and is_hf_repo_id(named.strip()):
        repo = named.strip()
    if repo and not is_hf_repo_id(repo):
        fail(f"--repo '{repo}' is not a Hugging Face repo id like Qwen/Qwen3-8B")
    if not repo:
        fail("the config names no repo (_name_or_path): give the model's Hugging Face repo id with --repo ORG/NAME")
    name = args.name or _display_name(repo)
    source = str(Path(args.config).resolve())
    try:
        entry, replaces = overlay.entry_from_config(
            cfg, name=name, repo=repo, source=source, catalog=cat, how="added from a local config.json"
        )
    except overlay.OverlayError as e:
        fail(str(e))
    return entry, replaces, source, []


def _display_name(repo: str) -> str:
    name = repo.split("/")[-1]
    for suffix in ("-GGUF", "-gguf"):
        name = name.removesuffix(suffix)
    return name


def _check(args: argparse.Namespace) -> int:
    from ..core import overlay
    from ..core.paths import user_data_dir

    problems, models, devices, scores = overlay.check()
    if args.json:
        print(
            json.dumps(
                {
                    "dir": str(user_data_dir()),
                    "models": models,
                    "devices": devices,
                    "scores": scores,
                    "problems": problems,
                }
            )
        )
    else:
        n = len(problems)
        counts = f"{models} models, {devices} devices, {scores} scores"
        print(f"{user_data_dir()}: {counts}, {n} problem{'' if n == 1 else 's'}")
        for p in problems:
            print(f"  {p}")
    return exitcodes.USAGE if problems else exitcodes.OK
