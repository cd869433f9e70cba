"""Real parts for the hub tests: a PostgreSQL server started by the project's own script,
and Linux accounts made with useradd and removed afterwards."""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HUB_DEPLOY = ROOT / "deploy" / "jupyterhub"
POSTGRES_SCRIPT = HUB_DEPLOY / "gradebook-postgres.sh"


def needs_root_on_linux():
    """Skip (saying why) where accounts, servers as other users and PostgreSQL cannot be
    started: these tests make real accounts, as CI does as root."""
    import pytest

    why = None
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        why = "needs root (makes Linux accounts and starts servers as them); CI runs as root"
    elif not shutil.which("useradd") or not shutil.which("runuser"):
        why = "needs useradd and runuser (Debian: passwd, util-linux)"
    return pytest.mark.skipif(why is not None, reason=why or "")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def shared_tempdir(prefix: str) -> Path:
    """A folder other accounts can reach (pytest's own tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir="/var/tmp"))
    folder.chmod(0o755)
    return folder


class Postgres:
    """`gradebook-postgres.sh start` in a folder of its own; `stop()` ends it."""

    def __init__(self):
        self.base = shared_tempdir("gradebook-pg-")
        self.data = self.base / "data"
        self.port = free_port()
        self._script("start", str(self.data), str(self.port))

    def _script(self, *args: str) -> str:
        result = subprocess.run(["bash", str(POSTGRES_SCRIPT), *args], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr + result.stdout
        return result.stdout.strip()

    def create_database(self, name: str) -> str:
        return self._script("createdb", str(self.data), name).splitlines()[-1]

    def stop(self) -> None:
        self._script("stop", str(self.data))
        shutil.rmtree(self.base, ignore_errors=True)


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@contextlib.contextmanager
def accounts(passwords: dict[str, str], home_base: Path):
    """Real Linux accounts (useradd, chpasswd), removed with their homes at the end."""
    made = []
    try:
        for name, password in passwords.items():
            assert not account_exists(name), f"account {name} already exists on this machine"
            subprocess.run(["useradd", "--create-home", "--key", "HOME_MODE=0700",
                            "--home-dir", str(home_base / name),
                            "--shell", "/bin/bash", name], check=True)
            made.append(name)
            subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
        yield made
    finally:
        for name in made:
            remove_account(name)


def remove_account(name: str) -> None:
    """userdel refuses while the account runs anything: stop that first, then retry."""
    for _ in range(50):
        stop_processes_of(name)
        done = subprocess.run(["userdel", "--remove", name], capture_output=True, text=True)
        if done.returncode in (0, 6) or not account_exists(name):  # 6: no such user
            return
        time.sleep(0.2)
    raise AssertionError(f"could not remove the test account {name}: {done.stderr}")


def stop_processes_of(user: str) -> None:
    """Whatever the test's own account still runs (a server left behind), by process id."""
    uid = pwd.getpwnam(user).pw_uid
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if entry.stat().st_uid == uid:
                    os.kill(int(entry.name), signal.SIGKILL)


def as_user(user: str, *command: str, cwd: Path | None = None, env: dict | None = None,
            timeout: int = 600) -> subprocess.CompletedProcess:
    """`runuser` as that account, with a login-like environment (what a terminal of the
    user's server would give)."""
    environment = {"PATH": os.environ["PATH"], "HOME": pwd.getpwnam(user).pw_dir,
                   "USER": user, "LANG": "C.UTF-8", **(env or {})}
    prefix = ["runuser", "-u", user, "--", "env", "-i",
              *(f"{k}={v}" for k, v in environment.items())]
    return subprocess.run([*prefix, *command], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
