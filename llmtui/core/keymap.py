"""The user's key remapping: keymap.toml in the config directory, read through the trust boundary.

    # ~/.config/llmtui/keymap.toml
    [keys]
    "main.sort" = "S"          # sort with S instead of s
    "planner.compare" = "v,C"  # several keys: comma-separated

Each name is a key binding's id, as `?` lists them; each value is one or more Textual key names
("a", "S", "ctrl+s", "f2", "question_mark"). A bad file is one sentence naming the file and the key.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .boundary import InputError
from .paths import user_config_dir

FILE = "keymap.toml"
_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|super|meta)\+)*(?:[A-Za-z0-9_]+|[!-~])$")


def keymap_path() -> Path:
    return user_config_dir() / FILE


def read_keymap(defaults: Mapping[str, str], path: Path | None = None) -> dict[str, str]:
    """{binding id: keys} from the keymap file; {} when there is none. `defaults`: every binding id
    with its keys ("main.sort": "s"); ids are "screen.action", and "app." ones act on every screen.
    Raises InputError for a file that cannot be used: an unknown id, a value that is not a key name,
    a key that two bindings of one screen would share."""
    known = defaults
    from .boundary.reader import read_toml

    path = path or keymap_path()
    if not path.exists() and not path.is_symlink():
        return {}
    doc = read_toml(path, what="keymap")
    where = str(path)
    extra = sorted(set(doc) - {"keys"})
    if extra:
        raise InputError(where, f"'{extra[0]}' is not a keymap setting; the file holds one [keys] table")
    keys = doc.get("keys", {})
    if not isinstance(keys, dict):
        raise InputError(where, "'keys' must be a table of binding id = \"key\"")
    out: dict[str, str] = {}
    for name, value in keys.items():
        if name not in known:
            near = sorted(k for k in known if k.split(".")[-1] == name.split(".")[-1])
            hint = f"; did you mean '{near[0]}'?" if near else "; ? lists each key's id"
            raise InputError(where, f"key '{name}' is not a binding id{hint}")
        if not isinstance(value, str) or not value.strip():
            raise InputError(where, f'key \'{name}\' must be a key name in quotes, such as "S" or "ctrl+s"')
        parts = [p.strip() for p in value.split(",")]
        bad = next((p for p in parts if not _KEY.match(p)), None)
        if bad is not None:
            raise InputError(where, f'key \'{name}\': {bad!r} is not a key name (such as "S", "ctrl+s", "f2")')
        out[name] = ",".join(parts)
    _check_clashes({**defaults, **out}, out, where)
    return out


def _check_clashes(keys: Mapping[str, str], changed: Mapping[str, str], where: str) -> None:
    """A remapped key that another binding of the same screen (or an app-wide one) already has."""
    for name in changed:
        screen = name.split(".")[0]
        mine = set(keys[name].split(","))
        for other, value in keys.items():
            if other == name or (other.split(".")[0] not in (screen, "app") and screen != "app"):
                continue
            shared = mine & set(value.split(","))
            if shared:
                key = sorted(shared)[0]
                raise InputError(where, f"key '{name}': '{key}' is already the key of '{other}'")
