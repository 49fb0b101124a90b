"""Detect a remote machine over the system ssh, with nothing of llmtui installed there.

The probe (remote_probe.PROBE) goes to the remote `python3` on stdin and prints the raw files and
command outputs detection reads; here they are laid out in a temporary tree and parsed by the same
code as a local detect. ssh runs with the user's keys, agent and ~/.ssh/config, never prompting
(BatchMode): a failure becomes one sentence.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .catalog.types import Catalog
from .hardware import DetectedMachine, Probes, detect
from .hardware.nvidia_smi import module_from_smi
from .hardware.roots import Roots
from .remote_probe import PROBE


class RemoteError(Exception):
    """Why a remote machine could not be probed, in one sentence."""


def _ssh_argv(host: str, options: Sequence[str], timeout: float, python: str) -> list[str]:
    argv = ["ssh", "-o", "BatchMode=yes", "-o", f"ConnectTimeout={max(1, int(timeout))}"]
    for opt in options:
        argv += ["-o", opt]
    return [*argv, host, f"{python} -"]


def _explain(host: str, code: int, stderr: str) -> str:
    err = stderr.strip().splitlines()
    last = err[-1] if err else ""
    low = stderr.lower()
    if "permission denied" in low or "authentication" in low or "host key verification failed" in low:
        return f"{host}: authentication refused ({last}); check your ssh key, agent or ~/.ssh/config"
    if any(
        s in low
        for s in (
            "could not resolve",
            "connection refused",
            "timed out",
            "no route",
            "unreachable",
            "connection closed",
            "name or service not known",
        )
    ):
        return f"{host}: host unreachable ({last})"
    return f"{host}: ssh failed with exit code {code} ({last or 'no message'})"


def fetch_raw(host: str, *, options: Sequence[str] = (), timeout: float = 20.0) -> dict[str, Any]:
    """Run the probe on `host`; its JSON, or RemoteError."""
    last_error = ""
    for python in ("python3", "python"):
        argv = _ssh_argv(host, options, timeout, python)
        try:
            p = subprocess.run(argv, input=PROBE, capture_output=True, text=True, timeout=timeout, check=False)
        except FileNotFoundError:
            raise RemoteError("the ssh command is not installed on this machine") from None
        except subprocess.TimeoutExpired:
            raise RemoteError(f"{host}: no answer within {timeout:g} s (a slow or hung connection)") from None
        if p.returncode == 255:
            raise RemoteError(_explain(host, p.returncode, p.stderr))
        if p.returncode == 127 or ("not found" in p.stderr.lower() and not p.stdout):
            last_error = p.stderr.strip()
            continue  # no such interpreter: try the next name
        if p.returncode != 0:
            raise RemoteError(
                f"{host}: the probe failed on the remote Python (exit {p.returncode}): "
                f"{(p.stderr.strip().splitlines() or ['no message'])[-1]}"
            )
        try:
            data = json.loads(p.stdout)
        except json.JSONDecodeError:
            raise RemoteError(f"{host}: the probe's answer was not JSON (is a login script printing text?)") from None
        if not isinstance(data, dict) or data.get("version") != 1:
            raise RemoteError(f"{host}: the probe's answer is not one this llmtui understands")
        return data
    raise RemoteError(f"{host}: no Python on the remote (python3 and python not found: {last_error or 'exit 127'})")


def machine_from_raw(raw: dict[str, Any], catalog: Catalog, host: str) -> DetectedMachine:
    """Parse a probe's JSON with the local detection code."""
    with tempfile.TemporaryDirectory(prefix="llmtui-remote-") as tmp:
        base = Path(tmp)
        for path, text in raw.get("files", {}).items():
            if not isinstance(path, str) or not path.startswith("/") or ".." in path:
                continue
            target = base / path.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(str(text))
        for path in raw.get("exists", []):
            if isinstance(path, str) and path.startswith("/") and ".." not in path:
                target = base / path.lstrip("/")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
        (base / "proc").mkdir(exist_ok=True)
        (base / "sys").mkdir(exist_ok=True)
        commands = {k: (int(v[0]), str(v[1])) for k, v in raw.get("commands", {}).items()}

        def replay(cmd: list[str], timeout: float) -> tuple[int, str]:
            return commands.get(" ".join(cmd), (127, ""))

        env = {str(k): str(v) for k, v in raw.get("env", {}).items()}
        roots = Roots(
            root=base,
            proc=base / "proc",
            sysfs=base / "sys",
            env=env,
            platform=str(raw.get("platform", "linux")),
            run=replay,
        )
        smi = raw.get("nvidia_smi", [127, ""])
        nvml = module_from_smi(int(smi[0]), str(smi[1]))
        m = detect(catalog, Probes(roots=roots, nvml=nvml))
    m.build = replace(m.build, name=host, source=f"remote:{host}")
    return m


def probe_remote(host: str, catalog: Catalog, *, options: Sequence[str] = (), timeout: float = 20.0) -> DetectedMachine:
    return machine_from_raw(fetch_raw(host, options=options, timeout=timeout), catalog, host)
