"""A real sshd on loopback for `llmtui remote`, started by the tests with a throwaway key."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    exe = shutil.which("sshd") or "/usr/sbin/sshd"
    if not os.path.exists(exe) or not shutil.which("ssh") or not shutil.which("ssh-keygen"):
        pytest.skip("openssh-server is not installed (.ci/run installs it)")
    d = tmp_path_factory.mktemp("sshd")
    for name in ("host_key", "client_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(d / name)], check=True)
    (d / "authorized_keys").write_text((d / "client_key.pub").read_text())
    os.chmod(d / "authorized_keys", 0o600)
    port = _free_port()
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    config = d / "sshd_config"
    config.write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {d / 'host_key'}\nAuthorizedKeysFile {d / 'authorized_keys'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
        f"PidFile {d / 'sshd.pid'}\nPermitRootLogin prohibit-password\nLogLevel ERROR\nAcceptEnv PATH\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen([exe, "-D", "-e", "-f", str(config)], stderr=subprocess.PIPE, text=True)
    for _ in range(100):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.skip(f"sshd did not start: {proc.stderr.read() if proc.stderr else ''}")
            time.sleep(0.1)
    options = [
        f"Port={port}",
        f"IdentityFile={d / 'client_key'}",
        "IdentitiesOnly=yes",
        "UserKnownHostsFile=/dev/null",
        "StrictHostKeyChecking=no",
        "LogLevel=ERROR",
    ]
    yield {"host": f"{user}@127.0.0.1", "port": port, "options": options, "dir": d}
    proc.terminate()
    proc.wait(10)


@pytest.fixture(autouse=True)
def _fixture_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed llmtui runs on the fixture catalogue: a model added to data/ changes no screen here."""
    from tests.fixtures.catalogue import CATALOG_DIR

    monkeypatch.setenv("LLMTUI_CATALOG_DIR", str(CATALOG_DIR))
