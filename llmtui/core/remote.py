"""Detect a remote machine over the system ssh, with nothing of llmtui installed there.

The probe (remote_probe.PROBE) goes to the remote `python3` on stdin and prints the raw files and
command outputs detection reads; here they are laid out in a temporary tree and parsed by the same
code as a local detect. ssh runs with the user's keys, agent and ~/.ssh/config, never prompting
(BatchMode): a failure becomes one sentence.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .boundary import InputError
from .boundary.text import one_line
from .catalog.types import Catalog
from .hardware import DetectedMachine, Probes, detect
from .hardware.nvidia_smi import module_from_smi
from .hardware.roots import Roots
from .remote_probe import PROBE


class RemoteError(Exception):
    """Why a remote machine could not be probed, in one sentence."""


MAX_ANSWER = 8_000_000  # bytes: the probe's answer is ~100 KB; more is a broken or hostile host
MAX_STDERR = 64_000
MAX_FILES = 4096
MAX_FILE_TEXT = 1_000_000
MAX_HTTP = 256  # recorded server answers (addresses x paths)
MAX_ANSWER_TEXT = 1_000_000  # characters of one recorded server answer
_HOST = re.compile(r"^[A-Za-z0-9_.@:\[\]%+/-]{1,255}$")


def check_host(host: str) -> str:
    """A destination as ssh takes it ([user@]host, an alias from ~/.ssh/config, ssh://...). A leading
    '-' would make it an ssh option; spaces and control characters make it no host at all."""
    if not isinstance(host, str) or not host or host.startswith("-") or not _HOST.match(host):
        raise RemoteError(f"'{one_line(host, limit=60)}' is not a host to connect to: write [user@]host")
    return host


def _ssh_argv(host: str, options: Sequence[str], timeout: float, python: str) -> list[str]:
    argv = ["ssh", "-o", "BatchMode=yes", "-o", f"ConnectTimeout={max(1, int(timeout))}"]
    for opt in options:
        if not isinstance(opt, str) or opt.startswith("-") or any(ord(c) < 32 for c in opt):
            raise RemoteError(f"'{one_line(opt, limit=60)}' is not an ssh option of the form Key=Value")
        argv += ["-o", opt]
    return [*argv, "--", check_host(host), f"{python} -"]


def _run(argv: list[str], stdin: str, timeout: float) -> tuple[int, bytes, bytes]:
    """Run ssh with the probe on stdin; stdout is read up to MAX_ANSWER bytes (then ssh is stopped),
    stderr up to MAX_STDERR. Raises TimeoutExpired past `timeout`."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out: list[bytes] = []
    err: list[bytes] = []
    too_big = threading.Event()

    def pump(stream: Any, box: list[bytes], cap: int, stop: bool) -> None:
        total = 0
        while chunk := stream.read(65536):
            if total < cap:
                box.append(chunk[: cap - total])
            total += len(chunk)
            if total > cap and stop:
                too_big.set()
                p.kill()
                return

    readers = [
        threading.Thread(target=pump, args=(p.stdout, out, MAX_ANSWER, True), daemon=True),
        threading.Thread(target=pump, args=(p.stderr, err, MAX_STDERR, False), daemon=True),
    ]
    for t in readers:
        t.start()
    try:
        assert p.stdin is not None
        p.stdin.write(stdin.encode())
        p.stdin.close()
    except OSError:
        pass  # ssh ended before reading the probe; its exit code and stderr say why
    try:
        code = p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise
    for t in readers:
        t.join(5)
    if too_big.is_set():
        raise RemoteError(f"the answer was larger than {MAX_ANSWER // 1_000_000} MB; this is not llmtui's probe")
    return code, b"".join(out), b"".join(err)


def _explain(host: str, code: int, stderr: str) -> str:
    err = stderr.strip().splitlines()
    last = one_line(err[-1], limit=200) if err else ""
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
    """Run the probe on `host`; its JSON answer, checked for shape and sanitized, or RemoteError."""
    from .boundary.reader import loads_json

    check_host(host)
    last_error = ""
    for python in ("python3", "python"):
        argv = _ssh_argv(host, options, timeout, python)
        try:
            code, out_b, err_b = _run(argv, PROBE, timeout)
        except FileNotFoundError:
            raise RemoteError("the ssh command is not installed on this machine") from None
        except subprocess.TimeoutExpired:
            raise RemoteError(f"{host}: no answer within {timeout:g} s (a slow or hung connection)") from None
        stderr_lines = err_b.decode("utf-8", "replace").splitlines()
        stderr = "\n".join(one_line(line, limit=300) for line in stderr_lines[-20:])
        if code == 255:
            raise RemoteError(_explain(host, code, stderr))
        if code == 127 or ("not found" in stderr.lower() and not out_b):
            last_error = one_line(stderr.strip(), limit=200)
            continue  # no such interpreter: try the next name
        if code != 0:
            raise RemoteError(
                f"{host}: the probe failed on the remote Python (exit {code}): "
                f"{(stderr.strip().splitlines() or ['no message'])[-1]}"
            )
        try:
            data = loads_json(out_b.decode("utf-8", "replace"), f"{host}: the probe's answer")
        except InputError as e:
            raise RemoteError(f"{e} (is a login script printing text?)") from None
        return check_answer(data, host)
    raise RemoteError(f"{host}: no Python on the remote (python3 and python not found: {last_error or 'exit 127'})")


def _bad(host: str, what: str) -> RemoteError:
    return RemoteError(f"{host}: the probe's answer is not one this llmtui understands ({what})")


def _safe_path(p: Any) -> bool:
    return (
        isinstance(p, str)
        and p.startswith("/")
        and len(p) <= 512
        and "\x00" not in p
        and all(part not in ("..", ".") for part in p.split("/"))
    )


def check_answer(data: Any, host: str) -> dict[str, Any]:
    """The probe's answer, every field of the expected kind and size, before any is used. Paths
    that are not absolute, contain '..' or a NUL, or are both a file and a folder are dropped."""
    if not isinstance(data, dict) or data.get("version") != 1:
        raise _bad(host, "no version 1")
    files = data.get("files", {})
    if not isinstance(files, dict) or len(files) > MAX_FILES:
        raise _bad(host, "'files' must be an object of at most 4096 path: text entries")
    clean_files: dict[str, str] = {}
    for path, text in files.items():
        if not _safe_path(path) or not isinstance(text, str):
            continue
        clean_files[path] = text[:MAX_FILE_TEXT]
    dirs = {"/".join(p.split("/")[:i]) for p in clean_files for i in range(2, p.count("/") + 1)}
    clean_files = {p: t for p, t in clean_files.items() if p not in dirs}  # a path that is also a folder
    exists = data.get("exists", [])
    if not isinstance(exists, list):
        raise _bad(host, "'exists' must be a list of paths")
    env = data.get("env", {})
    if not isinstance(env, dict):
        raise _bad(host, "'env' must be an object")
    commands = data.get("commands", {})
    if not isinstance(commands, dict):
        raise _bad(host, "'commands' must be an object")
    clean_cmds: dict[str, tuple[int, str]] = {}
    for k, v in commands.items():
        if isinstance(k, str) and _is_result(v):
            clean_cmds[k] = (int(v[0]), v[1][:MAX_FILE_TEXT])
    smi = data.get("nvidia_smi", [127, ""])
    if not _is_result(smi):
        raise _bad(host, "'nvidia_smi' must be [exit code, output]")
    apps = data.get("nvidia_smi_apps", [127, ""])
    if not _is_result(apps):
        raise _bad(host, "'nvidia_smi_apps' must be [exit code, output]")
    http = data.get("http", {})
    if not isinstance(http, dict) or len(http) > MAX_HTTP:
        raise _bad(host, f"'http' must be an object of at most {MAX_HTTP} address: [status, answer] entries")
    clean_http: dict[str, tuple[int, str]] = {}
    for k, v in http.items():
        if isinstance(k, str) and len(k) <= 400 and _is_result(v):
            clean_http[k] = (int(v[0]), v[1][: MAX_ANSWER_TEXT + 1])
    platform = data.get("platform", "linux")
    if not isinstance(platform, str) or platform not in ("linux", "darwin", "win32", "cygwin", "freebsd"):
        platform = "linux"
    return {
        "version": 1,
        "platform": platform,
        "files": clean_files,
        "exists": [p for p in exists if _safe_path(p) and p not in clean_files][:64],
        "env": {k: v[:1000] for k, v in env.items() if isinstance(k, str) and isinstance(v, str)},
        "commands": clean_cmds,
        "nvidia_smi": (int(smi[0]), smi[1][:MAX_FILE_TEXT]),
        "nvidia_smi_apps": (int(apps[0]), apps[1][:MAX_FILE_TEXT]),
        "http": clean_http,
    }


def _is_result(v: Any) -> bool:
    return (
        isinstance(v, list | tuple)
        and len(v) == 2
        and isinstance(v[0], int)
        and not isinstance(v[0], bool)
        and -1000 <= v[0] <= 1000
        and isinstance(v[1], str)
    )


def machine_from_raw(raw: dict[str, Any], catalog: Catalog, host: str) -> DetectedMachine:
    """Parse a probe's JSON with the local detection code."""
    with tempfile.TemporaryDirectory(prefix="llmtui-remote-") as tmp:
        base = Path(tmp)
        raw = check_answer(raw, host)
        for path, text in raw["files"].items():
            target = base / path.lstrip("/")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            except OSError:
                continue  # a name this file system cannot hold: that file is simply not there
        for path in raw["exists"]:
            target = base / path.lstrip("/")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.touch()
            except OSError:
                continue
        for sub in ("proc", "sys"):
            if not (base / sub).is_dir():
                (base / sub).unlink(missing_ok=True)
                (base / sub).mkdir()
        commands = raw["commands"]

        def replay(cmd: list[str], timeout: float) -> tuple[int, str]:
            return commands.get(" ".join(cmd), (127, ""))

        env = raw["env"]
        roots = Roots(
            root=base,
            proc=base / "proc",
            sysfs=base / "sys",
            env=env,
            platform=raw["platform"],
            run=replay,
            http=_replay_http(raw["http"]),
        )
        smi, apps = raw["nvidia_smi"], raw["nvidia_smi_apps"]
        nvml = module_from_smi(smi[0], smi[1], apps[1] if apps[0] == 0 else "")
        m = detect(catalog, Probes(roots=roots, nvml=nvml))
    label = one_line(host, limit=120)
    m.build = replace(m.build, name=label, source=f"remote:{label}")
    return m


def _replay_http(answers: dict[str, tuple[int, str]]) -> Any:
    """The remote probe's recorded server answers as running.Fetch: what the remote asked, answered
    as it was; what it did not record, unreachable (with the reason it recorded)."""
    from .hardware.running import Unreachable

    def fetch(url: str, path: str, timeout: float) -> tuple[int, bytes]:
        got = answers.get(url + path)
        if got is None:
            raise Unreachable("not asked by the remote probe")
        status, text = got
        if status < 0:
            raise Unreachable(one_line(text, limit=120) or "not reachable")
        return status, text.encode("utf-8", "replace")

    return fetch


def probe_remote(host: str, catalog: Catalog, *, options: Sequence[str] = (), timeout: float = 20.0) -> DetectedMachine:
    return machine_from_raw(fetch_raw(host, options=options, timeout=timeout), catalog, host)
