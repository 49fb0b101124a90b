"""keymap.toml: the user's remapping of keys by binding id (llmtui.core.keymap)."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmtui.core.boundary import InputError
from llmtui.core.keymap import keymap_path, read_keymap

DEFAULTS = {"app.quit": "q", "main.sort": "s", "main.reverse": "r", "planner.compare": "c", "planner.add": "a"}


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "keymap.toml"
    p.write_text(text)
    return p


def test_no_file_is_no_remapping() -> None:
    assert not keymap_path().exists()
    assert read_keymap(DEFAULTS) == {}


def test_a_good_file(tmp_path: Path) -> None:
    p = write(tmp_path, '[keys]\n"main.sort" = "S"\n"planner.compare" = "v, ctrl+k"\n')
    assert read_keymap(DEFAULTS, p) == {"main.sort": "S", "planner.compare": "v,ctrl+k"}


def test_the_config_dir_file_is_read() -> None:
    keymap_path().parent.mkdir(parents=True, exist_ok=True)
    keymap_path().write_text('[keys]\n"main.sort" = "S"\n')
    assert read_keymap(DEFAULTS) == {"main.sort": "S"}


@pytest.mark.parametrize(
    "text,says",
    [
        ('[keys]\n"main.sortt" = "S"\n', "key 'main.sortt' is not a binding id"),
        ('[keys]\n"sort" = "S"\n', "did you mean 'main.sort'?"),
        ('[keys]\n"main.sort" = 5\n', "key 'main.sort' must be a key name in quotes"),
        ('[keys]\n"main.sort" = "shift sort"\n', "key 'main.sort': 'shift sort' is not a key name"),
        ('[keys]\n"main.sort" = "r"\n', "key 'main.sort': 'r' is already the key of 'main.reverse'"),
        ('[keys]\n"main.sort" = "q"\n', "'q' is already the key of 'app.quit'"),
        ('[keys]\n"main.sort" = "[/]"\n', "is not a key name"),
        ("keys = 3\n", "'keys' must be a table"),
        ('[other]\n"a" = "b"\n', "'other' is not a keymap setting"),
        ("[keys\n", "is not valid TOML"),
    ],
)
def test_a_bad_file_is_one_sentence_naming_file_and_key(tmp_path: Path, text: str, says: str) -> None:
    p = write(tmp_path, text)
    with pytest.raises(InputError) as e:
        read_keymap(DEFAULTS, p)
    message = str(e.value)
    assert message.startswith(str(p)) and says in message and "\n" not in message


def test_a_key_on_another_screen_is_no_clash(tmp_path: Path) -> None:
    p = write(tmp_path, '[keys]\n"planner.compare" = "s"\n')  # s sorts on the main screen, not in the planner
    assert read_keymap(DEFAULTS, p) == {"planner.compare": "s"}
