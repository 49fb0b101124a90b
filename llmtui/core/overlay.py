"""The user's catalogue overlay: entries `llmtui catalog add` writes, and `llmtui catalog check`.

One model per file (`<data dir>/models/hub-<id>.toml` or `config-<id>.toml`), written atomically, so
a failed or concurrent save never damages another entry. An entry for a repo the bundled catalogue
already holds keeps the bundled id and what the catalogue knows of it (name, licence, date, scores),
and adds what the Hub says: the config's architecture and the real file sizes."""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from .boundary.text import one_line
from .catalog.types import Catalog, Model

HUB_URL = "https://huggingface.co"


class OverlayError(Exception):
    """Why an entry could not be made or written, in one sentence."""


def entry_from_config(
    cfg: dict[str, Any],
    *,
    name: str,
    repo: str,
    source: str,
    catalog: Catalog,
    files: list[dict[str, Any]] | None = None,
    license_: str = "",
    released: str = "",
    how: str,
) -> tuple[dict[str, Any], str]:
    """A [[models]] entry from a config.json dict, and the bundled id it replaces ('' if none)."""
    from .importers import ImportError_, arch_from_config, counted_entry

    try:
        arch = arch_from_config(cfg)
    except ImportError_ as e:
        raise OverlayError(f"{source}: {e}") from None
    arch["source"] = one_line(source, limit=400)
    try:
        entry = counted_entry(arch, name, repo, source, how, origin="user")
    except ImportError_ as e:
        raise OverlayError(str(e)) from None
    known = next((m for m in catalog.models if repo and m.hf_repo.lower() == repo.lower()), None)
    if known is not None:  # keep what the catalogue knows of the model; the Hub adds sizes
        entry.update(
            id=known.id,
            name=known.name,
            family=known.family,
            license=known.license,
            released=known.released,
            tags=list(known.tags),
            scores=[_score_dict(s) for s in known.scores],
            params_b=known.params_b,
            active_params_b=known.active_params_b,
        )
        if known.params_source:
            entry["params_source"] = known.params_source
        entry["notes"] = f"{how}; name, licence, date and scores copied from the bundled entry '{known.id}'"
    else:
        if license_:
            entry["license"] = license_
        if released:
            entry["released"] = released
        ids = {m.id for m in catalog.models}
        if entry["id"] in ids and repo:
            from .importers import _slug

            entry["id"] = _slug(repo.replace("/", "-"))
    if files:
        entry["files"] = files
    return entry, known.id if known else ""


def _score_dict(s: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: v for k, v in asdict(s).items() if v not in ("", None)}


def file_entries(repo: str, sha: str, files: Any) -> list[dict[str, Any]]:
    """[[models.files]] tables for the GGUF files a Hub listing gave (hub.GgufFile)."""
    today = _dt.date.today().isoformat()
    tree = f"{HUB_URL}/{repo}/tree/{sha or 'main'}"
    out = []
    for f in files:
        row: dict[str, Any] = {
            "quant": f.quant,
            "size_bytes": f.size_bytes,
            "repo": repo,
            "path": f.path,
            "source": tree,
            "checked": today,
        }
        if f.parts > 1:
            row["parts"] = f.parts
        out.append(row)
    return out


def write_entry(entry: dict[str, Any], prefix: str, *, force: bool, user_dir: Path | None = None) -> tuple[Path, Model]:
    """Validate the entry as the catalogue will read it, then write it to its own overlay file."""
    import tomli_w

    from .catalog.schema import Invalid, parse_model
    from .files import FileExists, WriteError, atomic_write
    from .paths import user_data_dir

    target = (user_dir or user_data_dir()) / "models" / f"{prefix}-{entry['id']}.toml"
    try:
        model = parse_model(entry, origin="user", file=str(target))
    except Invalid as e:
        raise OverlayError(f"the entry for {entry.get('name', '?')} is not valid: {e.field}: {e.message}") from None
    text = tomli_w.dumps({"schema": 1, "models": [entry]})
    try:
        atomic_write(target, text, overwrite=force)
    except FileExists:
        raise OverlayError(f"{target} exists already; pass --force to replace it") from None
    except WriteError as e:
        raise OverlayError(str(e)) from None
    return target, model


def check(user_dir: Path | None = None) -> tuple[list[str], int, int, int]:
    """Every problem in the user's catalogue files (file, entry, field), and how many models, devices
    and scores they hold in all."""
    from .catalog.load import _files, load_devices, load_models, load_scores
    from .catalog.schema import CatalogError
    from .paths import user_data_dir

    root = user_dir or user_data_dir()
    errors: list[CatalogError] = []
    models = load_models(_files(root / "models"), "user", errors)
    devices = load_devices(_files(root / "hardware"), "user", errors)
    scores = load_scores(_files(root / "scores"), errors)
    for kind, items in (("models", models), ("devices", devices)):
        seen: dict[str, str] = {}
        for item in items:
            if item.id in seen:
                errors.append(
                    CatalogError(item.file, f"{kind} '{item.id}'", "id", f"is used in {seen[item.id]} as well")
                )
            else:
                seen[item.id] = item.file
    stray = [p for p in sorted(root.glob("*.toml"))] if root.is_dir() else []
    for p in stray:
        errors.append(CatalogError(str(p), "", "", "is not read: catalogue files go in models/, hardware/ or scores/"))
    return [str(e) for e in errors], len(models), len(devices), sum(len(v) for v in scores.values())
