"""Each way `llmtui remote` can fail, with a stand-in `ssh` on PATH that behaves as the real one does."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from llmtui.core.catalog import Catalog
from llmtui.core.remote import RemoteError, fetch_raw, machine_from_raw

CASES = {
    "no-python": ('echo "bash: line 1: $3: command not found" >&2; exit 127', "no Python on the remote"),
    "garbage": ('echo "Welcome to the server!"; exit 0', "not valid JSON"),
    "denied": ('echo "root@h: Permission denied (publickey)." >&2; exit 255', "authentication refused"),
    "refused": ('echo "ssh: connect to host h port 22: Connection refused" >&2; exit 255', "unreachable"),
    "crash": ('echo "Traceback: boom" >&2; exit 1', "probe failed"),
    "slow": ("sleep 5", "no answer within"),
}


def fake_ssh(tmp_path: Path, body: str) -> None:
    script = tmp_path / "ssh"
    script.write_text(f"#!/bin/sh\n# args: $@\ncat >/dev/null\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


@pytest.mark.parametrize("case", sorted(CASES))
def test_failure_sentences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    body, words = CASES[case]
    fake_ssh(tmp_path, body)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(RemoteError) as e:
        fetch_raw("h", timeout=1.5)
    assert words in str(e.value)
    assert "\n" not in str(e.value)


def test_no_ssh_installed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RemoteError, match="ssh command is not installed"):
        fetch_raw("h")


def test_raw_probe_output_is_parsed_like_a_local_detect(catalog: Catalog) -> None:
    """A recorded probe answer from a GPU server: NVIDIA through nvidia-smi, a cgroup limit."""
    raw = {
        "version": 1,
        "platform": "linux",
        "files": {
            "/proc/meminfo": "MemTotal: 263750000 kB\nMemAvailable: 250000000 kB\nSwapTotal: 0 kB\n",
            "/proc/cpuinfo": "processor\t: 0\nmodel name\t: AMD EPYC 7763 64-Core Processor\n"
            "physical id\t: 0\ncore id\t: 0\n",
            "/proc/self/cgroup": "0::/\n",
            "/../../etc/passwd": "must be ignored",
        },
        "exists": ["/.dockerenv"],
        "env": {"SSH_CONNECTION": "1 2 3 4"},
        "commands": {},
        "nvidia_smi": [
            0,
            "0, NVIDIA A100-SXM4-80GB, GPU-1, 0x20B210DE, 00000000:07:00.0, 81920, 100, 81820, 8.0, "
            "400.00, 1593, 550.54.15\n1, NVIDIA A100-SXM4-80GB, GPU-2, 0x20B210DE, 00000000:0F:00.0, "
            "81920, 0, 81920, 8.0, 400.00, 1593, 550.54.15\n",
        ],
    }
    m = machine_from_raw(raw, catalog, "gpu-server")
    assert len(m.build.gpus) == 2
    assert m.build.gpus[0].memory_bytes == 81920 * 2**20
    assert m.build.gpus[0].catalog_id.startswith("a100")
    assert m.host.container and m.host.ssh
    assert m.build.source == "remote:gpu-server"
    assert m.info["driver"] == "550.54.15"


def test_remote_without_nvidia_smi(catalog: Catalog) -> None:
    raw = {
        "version": 1,
        "platform": "linux",
        "files": {"/proc/meminfo": "MemTotal: 1000 kB\n"},
        "nvidia_smi": [127, ""],
    }
    m = machine_from_raw(raw, catalog, "h")
    assert not m.build.gpus and not any(w.startswith("NVIDIA") for w in m.warnings)
