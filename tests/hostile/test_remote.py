"""`llmtui remote` against a stand-in ssh on PATH that answers with hostile shapes, escapes, absurd
values, deep and huge answers. Every run is an exit code and sentences; a saved profile always
loads back; nothing reaches the terminal raw."""

from __future__ import annotations

import json
import os
import stat
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from llmtui.cli import run

from .conftest import raw_escapes

MEMINFO = "MemTotal:       65536000 kB\nMemAvailable:   60000000 kB\nSwapTotal: 0 kB\n"
CPUINFO = "processor\t: 0\nmodel name\t: AMD EPYC 9654\nprocessor\t: 1\nmodel name\t: AMD EPYC 9654\n"


def smi_row(name: str = "NVIDIA H100 80GB HBM3", total: str = "81559", i: int = 0) -> str:
    return f"{i}, {name}, GPU-{i}, 0x233010DE, 00000000:{i:02X}:00.0, {total}, 0, {total}, 9.0, 700.00, 2619, 550.54\n"


def base() -> dict[str, Any]:
    return {
        "version": 1,
        "platform": "linux",
        "files": {"/proc/meminfo": MEMINFO, "/proc/cpuinfo": CPUINFO},
        "exists": [],
        "env": {},
        "commands": {},
        "nvidia_smi": [0, smi_row()],
    }


def with_(**changes: Any) -> dict[str, Any]:
    d = base()
    d.update(changes)
    return d


ESC = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x9b2J"
CASES: dict[str, Any] = {
    "ok": base(),
    "files-list": with_(files=[1, 2]),
    "files-null": with_(files=None),
    "file-and-folder": with_(files={"/proc/meminfo": MEMINFO, "/proc/meminfo/x": "y", "/proc": "z"}),
    "nul-path": with_(files={"/proc/\x00meminfo": MEMINFO, "/proc/cpuinfo": CPUINFO}),
    "dotdot": with_(files={"/proc/../../etc/x": "y", "/proc/meminfo": MEMINFO}),
    "relative": with_(files={"proc/meminfo": MEMINFO}),
    "smi-number": with_(nvidia_smi=5),
    "smi-strings": with_(nvidia_smi=["0", 5]),
    "commands-junk": with_(commands={"sysctl -n hw.memsize": 7, "x": [1, 2, 3]}),
    "env-junk": with_(env={"CUDA_VISIBLE_DEVICES": 3, "x": None}),
    "exists-junk": with_(exists=[1, None, "/.dockerenv", "/../x"]),
    "platform-junk": with_(platform=["darwin"]),
    "version-2": with_(version=2),
    "negative-mib": with_(nvidia_smi=[0, smi_row(total="-81559")]),
    "huge-mib": with_(nvidia_smi=[0, smi_row(total="1e30")]),
    "inf-mib": with_(nvidia_smi=[0, smi_row(total="inf")]),
    "nines-mib": with_(nvidia_smi=[0, smi_row(total="9" * 400)]),
    "100-gpus": with_(nvidia_smi=[0, "".join(smi_row(i=i) for i in range(100))]),
    "memtotal-0": with_(files={"/proc/meminfo": "MemTotal: 0 kB\nMemAvailable: 0 kB\n", "/proc/cpuinfo": CPUINFO}),
    "memtotal-huge": with_(files={"/proc/meminfo": f"MemTotal: {'9' * 30} kB\n", "/proc/cpuinfo": CPUINFO}),
    "cgroup-0": with_(
        files={
            "/proc/meminfo": MEMINFO,
            "/proc/cpuinfo": CPUINFO,
            "/proc/self/cgroup": "0::/\n",
            "/sys/fs/cgroup/cgroup.controllers": "memory\n",
            "/sys/fs/cgroup/memory.max": "0\n",
        }
    ),
    "escape-names": with_(
        files={"/proc/meminfo": MEMINFO, "/proc/cpuinfo": CPUINFO.replace("AMD EPYC 9654", ESC + "[/] EPYC")},
        nvidia_smi=[0, smi_row(name=ESC + "[@click=app.quit]H100")],
    ),
    "drm-escape": with_(
        files={
            "/proc/meminfo": MEMINFO,
            "/proc/cpuinfo": CPUINFO,
            "/sys/class/drm/card0/device/vendor": "0x1002\n",
            "/sys/class/drm/card0/device/device": "0x744c\n",
            "/sys/class/drm/card0/device/mem_info_vram_total": "25753026560\n",
            "/sys/class/drm/card0/device/product_name": ESC + "Radeon[/]\n",
        },
        nvidia_smi=[127, ""],
    ),
}
RAW_CASES = {
    "not-json": "Welcome!\n",
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"version": 1, "files": ' + '{"a": ' * 50 + "1" + "}" * 50 + "}",
    "huge": None,  # 9 MB, written by the fake
    "stderr-escape": "",
}


def fake_ssh(tmp_path: Path, answer: str | None, *, code: int = 0, stderr: str = "") -> None:
    (tmp_path / "answer.txt").write_text("" if answer is None else answer, encoding="utf-8")
    big = "sys.stdout.write('x' * 9_000_000)" if answer is None else ""
    script = tmp_path / "ssh"
    script.write_text(
        f"#!{sys.executable}\nimport sys\nsys.stdin.read()\n"
        f"sys.stdout.write(open({str(tmp_path / 'answer.txt')!r}, encoding='utf-8').read())\n{big}\n"
        f"sys.stderr.write({stderr!r})\nsys.exit({code})\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def _cases() -> list[tuple[str, str | None, int, str]]:
    out: list[tuple[str, str | None, int, str]] = [(k, json.dumps(v), 0, "") for k, v in CASES.items()]
    out += [(k, v, 0, "") for k, v in RAW_CASES.items() if k != "stderr-escape"]
    out.append(("stderr-escape", "", 255, f"ssh: connect to host h: Connection refused {ESC}\n"))
    out.append(("stderr-escape-1", "", 1, f"Traceback {ESC}\n" * 5000))
    return out


@pytest.mark.parametrize(("case", "answer", "code", "stderr"), _cases(), ids=[c[0] for c in _cases()])
def test_hostile_answers(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tally: Counter[str],
    case: str,
    answer: str | None,
    code: int,
    stderr: str,
) -> None:
    fake_ssh(tmp_path, answer, code=code, stderr=stderr)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    rc = run(["remote", "gpu-box", "--name", "box", "--timeout", "20"])
    out, err = capsys.readouterr()
    tally["remote answers"] += 1
    assert rc in (0, 4), (case, rc, err)
    found = raw_escapes(out + err)
    tally["raw escapes"] += len(found)
    assert not found, (case, found)
    assert err.count("Traceback") <= 0 or case == "stderr-escape-1"
    if rc == 0:
        tally["profiles saved"] += 1
        assert run(["profiles", "show", "box"]) == 0, capsys.readouterr().err  # it loads back
        assert run(["profiles", "rename", "box", "box2"]) == 0
        assert run(["profiles", "delete", "box2"]) == 0
        capsys.readouterr()
    if case == "ok":
        assert rc == 0


def test_a_host_that_is_an_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    fake_ssh(tmp_path, json.dumps(base()))
    (tmp_path / "argv.txt").write_text("")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    for host in ("-oProxyCommand=touch pwned", "-F/etc/passwd", "a b", "h\nx"):
        assert run(["remote", "--no-save", "--", host]) == 2
        assert "not a host" in capsys.readouterr().err
    from llmtui.core.remote import _ssh_argv

    argv = _ssh_argv("user@h", [], 5, "python3")
    assert argv[argv.index("--") + 1] == "user@h"
