"""The Hugging Face Hub, read only when the user asks (`llmtui catalog add hf:ORG/REPO`).

Through huggingface_hub, so HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE apply as they do for every Hub
tool: one call lists the repo's files with their sizes, one downloads its config.json (into a
temporary folder, read back through the trust boundary's reader). A GGUF-only repo (bartowski's,
Unsloth's) usually has no config.json; its card's `base_model` names the repo that has one.
Every failure becomes a HubError of one sentence naming the repo."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .boundary.text import one_line
from .catalog.schema import is_hf_repo_id

TIMEOUT_S = 20.0


class HubError(Exception):
    """A Hub request that failed, in one sentence; `offline` when HF_HUB_OFFLINE forbade it."""

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


@dataclass(frozen=True, slots=True)
class GgufFile:
    quant: str  # a quant name llmtui knows (QUANTS)
    size_bytes: int  # all parts of a split file together
    path: str  # the first part's path in the repo
    parts: int = 1


@dataclass(frozen=True)
class HubRepo:
    repo_id: str
    sha: str
    config: dict[str, Any] | None  # the parsed config.json, sanitized
    config_repo: str  # where the config came from: repo_id, or the card's base_model
    files: tuple[GgufFile, ...]
    license: str = ""
    created: str = ""  # YYYY-MM-DD the repo was created
    skipped: tuple[str, ...] = field(default=())  # GGUF files llmtui cannot size, with why


# --- file names -> quants ---------------------------------------------------------------------------------

_QUANT_RX = re.compile(
    r"(?<![A-Za-z0-9])(UD-)?(IQ[1-4]_(?:XXS|XS|NL|S|M)|Q[2-8]_K(?:_(?:XL|S|M|L))?|Q[4-8]_[01]|TQ[12]_0|"
    r"MXFP4(?:_MOE)?|BF16|F16|F32)(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PART_RX = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
_NOT_WEIGHTS = ("mmproj", "imatrix")


def quant_of(filename: str, known: frozenset[str] | set[str]) -> str | None:
    """The quant a GGUF file name names ('Qwen3-8B-Q4_K_M.gguf' -> 'Q4_K_M'), or None. The last
    match in the base name wins ('UD-Q4_K_XL/...-UD-Q4_K_XL-00001-of-00002.gguf')."""
    matches = list(_QUANT_RX.finditer(Path(filename).name))
    if not matches:
        return None
    ud, q = matches[-1].group(1), matches[-1].group(2).upper()
    if q == "MXFP4_MOE":
        q = "MXFP4"
    name = f"UD-{q}" if ud else q
    return name if name in known else None


def gguf_files(
    siblings: Sequence[tuple[str, int | None]], known: frozenset[str] | set[str]
) -> tuple[list[GgufFile], list[str]]:
    """The repo's GGUF weights by quant, split files summed; what cannot be sized is listed with why."""
    groups: dict[str, list[tuple[str, int | None, int, int]]] = {}
    skipped: list[str] = []
    for path, size in siblings:
        if not path.lower().endswith(".gguf"):
            continue
        base = Path(path).name.lower()
        if any(word in base for word in _NOT_WEIGHTS):
            continue
        m = _PART_RX.search(path)
        part, total = (int(m.group(1)), int(m.group(2))) if m else (1, 1)
        stem = path[: m.start()] if m else path
        groups.setdefault(stem, []).append((path, size, part, total))
    by_quant: dict[str, GgufFile] = {}
    for _stem, parts in sorted(groups.items()):
        shown = one_line(parts[0][0], limit=160)
        quant = quant_of(parts[0][0], known)
        if quant is None:
            skipped.append(f"{shown}: not a quant llmtui sizes")
            continue
        total = parts[0][3]
        if sorted(p[2] for p in parts) != list(range(1, total + 1)):
            skipped.append(f"{shown}: {len(parts)} of {total} parts listed")
            continue
        if any(p[1] is None for p in parts):
            skipped.append(f"{shown}: the Hub gave no size")
            continue
        size = sum(int(p[1] or 0) for p in parts)
        first = min(parts, key=lambda p: p[2])[0]
        if quant in by_quant:
            skipped.append(f"{shown}: a second {quant} file (kept {one_line(by_quant[quant].path, limit=160)})")
            continue
        by_quant[quant] = GgufFile(quant, size, one_line(first, limit=400), total)
    return sorted(by_quant.values(), key=lambda f: -f.size_bytes), skipped


# --- the Hub ---------------------------------------------------------------------------------------------


def parse_target(text: str) -> str:
    """'hf:ORG/REPO' (or a https://huggingface.co/ORG/REPO address) -> 'ORG/REPO'."""
    t = text.strip()
    for prefix in ("hf:", "https://huggingface.co/", "http://huggingface.co/", "huggingface.co/"):
        if t.lower().startswith(prefix):
            t = t[len(prefix) :]
            break
    else:
        raise HubError(f"'{one_line(text, limit=120)}' is not hf:ORG/REPO")
    t = t.strip("/")
    if t.count("/") > 1:  # an address into the repo: keep ORG/REPO
        t = "/".join(t.split("/")[:2])
    if not is_hf_repo_id(t):
        raise HubError(f"'{one_line(t, limit=120)}' is not a Hugging Face repo id like Qwen/Qwen3-8B")
    return t


def fetch_repo(repo_id: str, known_quants: frozenset[str] | set[str]) -> HubRepo:
    """The repo's files with sizes and its (or its base model's) config.json."""
    try:
        from huggingface_hub import HfApi, constants
    except ImportError:  # pragma: no cover - a dependency of llmtui
        raise HubError("huggingface_hub is not installed (pip install huggingface_hub)") from None
    # read at call time (the library reads them once, at import): the same variables, the same meaning
    offline = os.environ.get("HF_HUB_OFFLINE", "").strip().upper() in {"1", "ON", "YES", "TRUE"}
    if offline or constants.is_offline_mode():
        raise HubError(f"offline: HF_HUB_OFFLINE is set, so {repo_id} cannot be read from the Hub", offline=True)
    api = HfApi(endpoint=os.environ.get("HF_ENDPOINT", "").rstrip("/") or None)
    info = _call(lambda: api.model_info(repo_id, files_metadata=True, timeout=TIMEOUT_S), repo_id)
    siblings = [(str(s.rfilename), s.size) for s in (info.siblings or [])]
    files, skipped = gguf_files(siblings, known_quants)
    card = info.card_data
    license_ = str(getattr(card, "license", "") or "") if card is not None else ""
    config_repo, revision = repo_id, info.sha
    if "config.json" not in {p for p, _ in siblings}:
        base = _base_model(card)
        if base is None:
            raise HubError(
                f"{repo_id} has no config.json and its card names no base_model to read one from; "
                "use `llmtui catalog add --config FILE` with the model's config.json"
            )
        config_repo, revision = base, None
    config = _config(api, config_repo, revision)
    created = info.created_at.date().isoformat() if getattr(info, "created_at", None) else ""
    return HubRepo(
        repo_id=repo_id,
        sha=str(info.sha or ""),
        config=config,
        config_repo=config_repo,
        files=tuple(files),
        license=one_line(license_, limit=60),
        created=created,
        skipped=tuple(skipped),
    )


def _base_model(card: Any) -> str | None:
    base = getattr(card, "base_model", None) if card is not None else None
    if isinstance(base, list):
        base = base[0] if len(base) == 1 else None
    return base if isinstance(base, str) and is_hf_repo_id(base) else None


def _config(api: Any, repo_id: str, revision: str | None) -> dict[str, Any]:
    from .boundary import InputError
    from .boundary.reader import read_json

    with tempfile.TemporaryDirectory(prefix="llmtui-hub-") as tmp:
        path = _call(
            lambda: api.hf_hub_download(repo_id, "config.json", revision=revision, cache_dir=tmp),
            repo_id,
            what="config.json",
        )
        try:
            cfg = read_json(path, what=f"{repo_id}'s config.json")
        except InputError as e:
            raise HubError(str(e)) from None
    if not isinstance(cfg, dict):
        raise HubError(f"{repo_id}'s config.json is not a JSON object")
    return cfg


def _call(fn: Any, repo_id: str, *, what: str = "") -> Any:
    """Run one Hub request; the library's exceptions become one sentence each."""
    from huggingface_hub import errors

    thing = f"{repo_id}'s {what}" if what else repo_id
    try:
        return fn()
    except errors.GatedRepoError:
        raise HubError(
            f"{repo_id} is gated: accept its licence on the Hub and set HF_TOKEN to a token that may read it"
        ) from None
    except errors.RepositoryNotFoundError:
        raise HubError(f"{repo_id} was not found on the Hub (or is private: set HF_TOKEN)") from None
    except errors.RevisionNotFoundError:
        raise HubError(f"{thing}: the revision was not found on the Hub") from None
    except errors.EntryNotFoundError:
        raise HubError(f"{repo_id} has no {what or 'such file'} on the Hub") from None
    except errors.OfflineModeIsEnabled:
        raise HubError(
            f"offline: HF_HUB_OFFLINE is set, so {thing} cannot be read from the Hub", offline=True
        ) from None
    except errors.HfHubHTTPError as e:
        status = getattr(getattr(e, "response", None), "status_code", "?")
        raise HubError(f"the Hub answered HTTP {status} for {thing}") from None
    except Exception as e:  # the HTTP client's own errors: httpx (huggingface_hub 1.x) or httpx2 (2.x)
        kinds = {c.__name__ for c in type(e).__mro__}
        if "TimeoutException" in kinds or isinstance(e, TimeoutError):
            raise HubError(f"the Hub did not answer in {TIMEOUT_S:g} s for {thing}") from None
        if "TransportError" in kinds or isinstance(e, OSError):
            raise HubError(f"cannot reach the Hub for {thing} ({one_line(e, limit=80)})") from None
        raise
