"""`llmtui remote` against a real sshd on loopback, and its failure cases."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.sshd


def llmtui(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "llmtui", *args], capture_output=True, text=True, timeout=timeout)


def opts(sshd: dict[str, object]) -> list[str]:
    out: list[str] = []
    for o in sshd["options"]:  # type: ignore[attr-defined]
        out += ["-o", str(o)]
    return out


def test_remote_equals_local_detect(sshd: dict[str, object]) -> None:
    remote = llmtui("remote", str(sshd["host"]), *opts(sshd), "--name", "loopback", "--json")
    assert remote.returncode == 0, remote.stderr
    r = json.loads(remote.stdout)
    local = json.loads(llmtui("detect", "--json").stdout)
    for key in (
        "cpu",
        "physical_cores",
        "logical_cores",
        "ram_total_bytes",
        "cgroup_version",
        "cgroup_memory_limit_bytes",
        "container",
        "wsl",
    ):
        assert r["host"][key] == local["host"][key], key
    assert r["host"]["ssh"] is True  # it came in over ssh
    assert [d["name"] for d in r["devices"]] == [d["name"] for d in local["devices"]]
    assert r["gpu"] == local["gpu"]
    # ...and the profile it saved describes the same build
    shown = json.loads(llmtui("profiles", "show", "loopback", "--json").stdout)
    assert shown["machine"]["ram_gib"] == pytest.approx(local["host"]["ram_total_bytes"] / 2**30, abs=0.001)
    assert shown["source"] == f"remote:{sshd['host']}"
    est = llmtui("estimate", "--model", "qwen2.5-0.5b-instruct", "--profile", "loopback", "--json")
    assert est.returncode in (0, 1) and json.loads(est.stdout)["fit"]["status"]


def test_authentication_refused(sshd: dict[str, object], tmp_path) -> None:  # type: ignore[no-untyped-def]
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp_path / "other")], check=True)
    bad = [
        o if not str(o).startswith("IdentityFile=") else f"IdentityFile={tmp_path / 'other'}" for o in sshd["options"]
    ]  # type: ignore[attr-defined]
    args: list[str] = []
    for o in bad:
        args += ["-o", str(o)]
    p = llmtui("remote", str(sshd["host"]), *args, "--no-save")
    assert p.returncode == 4
    assert "authentication refused" in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_host_unreachable() -> None:
    p = llmtui("remote", "nobody@127.0.0.1", "-o", "Port=1", "-o", "StrictHostKeyChecking=no", "--timeout", "10")
    assert p.returncode == 4
    assert "unreachable" in p.stderr
