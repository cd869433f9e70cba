"""Control groups: one per sandbox, capping memory, processes and CPU of all its processes.

cgroup v2 is used where the unified hierarchy has the memory and pids controllers:
under the grader's own cgroup if it is delegated, else (as root) under a cgroup
`autograder` at the top of the hierarchy. Otherwise cgroup v1 (a memory and a pids
hierarchy, cpu if mounted), under the grader's own cgroup in each hierarchy, so any
cap an administrator put on the grader still holds for everything it starts. A
sandbox's cgroup is removed when the sandbox closes.

`probe()` says whether and how cgroups can be used here (None: they cannot, e.g. not
root and nothing delegated); the sandbox then falls back to per-process rlimits.
"""

from __future__ import annotations

import errno
import os
import secrets
import signal
import threading
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

REQUIRED = ("memory", "pids")
OPTIONAL = ("cpu",)
CPU_PERIOD_US = 100_000


@dataclass(frozen=True)
class Support:
    """Where this process may create cgroups: version and the parent folder per controller."""

    version: int  # 1 or 2
    parents: dict[str, Path] = field(default_factory=dict)  # controller -> parent folder

    @property
    def controllers(self) -> tuple[str, ...]:
        return tuple(c for c in (*REQUIRED, *OPTIONAL) if c in self.parents)


def _mounts() -> list[tuple[str, str, str, set[str]]]:
    """(mount point, root inside the hierarchy, type, super options) of every cgroup mount."""
    found = []
    try:
        lines = Path("/proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        left, _, right = line.partition(" - ")
        fstype, _source, options = (right.split() + ["", "", ""])[:3]
        if fstype in ("cgroup", "cgroup2"):
            fields = left.split()
            found.append((fields[4], fields[3], fstype, set(options.split(","))))
    return found


def _own_cgroups() -> dict[str, str]:
    """Controller (or '' for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _id, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            own[controller] = path
    return own


def _inside(mount: str, root: str, own: str) -> Path:
    """The folder of cgroup `own` in a hierarchy mounted at `mount` from `root` (containers)."""
    relative = os.path.relpath(own, root) if own.startswith(root) else own.lstrip("/")
    return Path(mount) / ("" if relative == "." else relative)


def _usable(parent: Path) -> bool:
    """True if a child cgroup can be made (and removed) here."""
    probe = parent / f"autograder-probe-{secrets.token_hex(4)}"
    try:
        probe.mkdir()
    except OSError:
        return False
    try:
        return os.access(probe / "cgroup.procs", os.W_OK)
    finally:
        _rmdir(probe)


def _v2_parent(parent: Path) -> Support | None:
    """Support for sandboxes under `parent` in cgroup v2, enabling controllers if allowed."""
    try:
        available = (parent / "cgroup.controllers").read_text().split()
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
    except OSError:
        return None
    if not all(c in available for c in REQUIRED):
        return None
    wanted = [c for c in (*REQUIRED, *OPTIONAL) if c in available and c not in enabled]
    for controller in wanted:  # EBUSY in a non-root cgroup holding processes: not delegated
        try:
            (parent / "cgroup.subtree_control").write_text(f"+{controller}")
        except OSError:
            pass
    try:
        enabled = set((parent / "cgroup.subtree_control").read_text().split())
    except OSError:
        return None
    if all(c in enabled for c in REQUIRED) and _usable(parent):
        return Support(2, {c: parent for c in (*REQUIRED, *OPTIONAL) if c in enabled})
    return None


def _probe_v2() -> Support | None:
    """The grader's own cgroup if it is delegated; else, as root, a cgroup `autograder`
    at the top of the hierarchy (systemd puts the grader in a cgroup holding processes,
    where v2 allows no child cgroups with controllers), which never holds processes."""
    own = _own_cgroups().get("")
    if own is None:
        return None
    for mount, root, fstype, _options in _mounts():
        if fstype != "cgroup2":
            continue
        support = _v2_parent(_inside(mount, root, own))
        if support is None and os.geteuid() == 0:
            try:
                top = set((Path(mount) / "cgroup.subtree_control").read_text().split())
            except OSError:
                continue
            if not all(c in top for c in REQUIRED):
                continue
            dedicated = Path(mount) / "autograder"
            try:
                dedicated.mkdir(exist_ok=True)
            except OSError:
                continue
            support = _v2_parent(dedicated)
        if support is not None:
            return support
    return None


def _probe_v1() -> Support | None:
    own = _own_cgroups()
    parents: dict[str, Path] = {}
    for controller in (*REQUIRED, *OPTIONAL):
        for mount, root, fstype, options in _mounts():
            if fstype == "cgroup" and controller in options and controller in own:
                parent = _inside(mount, root, own[controller])
                if parent.is_dir() and _usable(parent):
                    parents[controller] = parent
                break  # a controller is mounted once
    if all(c in parents for c in REQUIRED):
        return Support(1, parents)
    return None


@cache
def _probe() -> Support | None:
    try:
        return _probe_v2() or _probe_v1()
    except OSError:
        return None


def probe() -> Support | None:
    """How cgroups can be used by this process, or None where they cannot."""
    return _probe()


def _rmdir(path: Path, attempts: int = 50) -> bool:
    for _ in range(attempts):
        try:
            path.rmdir()
            return True
        except FileNotFoundError:
            return True
        except OSError as error:
            if error.errno != errno.EBUSY:
                return False
            time.sleep(0.02)  # exiting tasks still leaving the cgroup
    return False


def _read_keyed(path: Path) -> dict[str, int]:
    """'key value' lines (memory.events, pids.events, memory.oom_control)."""
    values = {}
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if value.strip().lstrip("-").isdigit():
                values[key] = int(value)
    except OSError:
        pass
    return values


class Cgroup:
    """One sandbox's cgroup (a folder per v1 hierarchy, or one v2 folder)."""

    def __init__(self, support: Support, name: str, memory_bytes: int, max_tasks: int,
                 cpus: float):
        self.support = support
        self.name = name
        self.dirs: dict[str, Path] = {}
        self._closing = False
        self._oom_kills_seen = 0
        self._watcher: threading.Thread | None = None
        try:
            for controller, parent in support.parents.items():
                folder = parent / name
                if folder not in self.dirs.values():
                    folder.mkdir()
                self.dirs[controller] = folder
            self._configure(memory_bytes, max_tasks, cpus)
        except BaseException:
            self.remove()
            raise

    # -- set up ---------------------------------------------------------------------------
    def _write(self, controller: str, name: str, value: str, required: bool = True) -> bool:
        try:
            (self.dirs[controller] / name).write_text(value)
            return True
        except OSError:
            if required:
                raise
            return False

    def _configure(self, memory_bytes: int, max_tasks: int, cpus: float) -> None:
        if self.support.version == 2:
            self._write("memory", "memory.max", str(memory_bytes))
            self._write("memory", "memory.swap.max", "0", required=False)
            self._write("memory", "memory.oom.group", "1", required=False)
            self._write("pids", "pids.max", str(max_tasks))
            if cpus > 0 and "cpu" in self.dirs:
                self._write("cpu", "cpu.max", f"{int(cpus * CPU_PERIOD_US)} {CPU_PERIOD_US}",
                            required=False)
            return
        self._write("memory", "memory.limit_in_bytes", str(memory_bytes))
        # Memory plus swap at the same cap: the sandbox cannot spill into swap. Where swap
        # accounting is off, keep it from swapping at all.
        if not self._write("memory", "memory.memsw.limit_in_bytes", str(memory_bytes),
                           required=False):
            self._write("memory", "memory.swappiness", "0", required=False)
        self._write("pids", "pids.max", str(max_tasks))
        if cpus > 0 and "cpu" in self.dirs:
            self._write("cpu", "cpu.cfs_period_us", str(CPU_PERIOD_US), required=False)
            self._write("cpu", "cpu.cfs_quota_us", str(int(cpus * CPU_PERIOD_US)),
                        required=False)
        self._start_oom_watch()

    def _start_oom_watch(self) -> None:
        """cgroup v1 has no memory.oom.group: on an OOM kill, kill everything left."""
        try:
            event = os.eventfd(0, os.EFD_CLOEXEC)
        except (AttributeError, OSError):
            return
        try:
            control = os.open(self.dirs["memory"] / "memory.oom_control",
                              os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            os.close(event)
            return
        try:
            (self.dirs["memory"] / "cgroup.event_control").write_text(f"{event} {control}")
        except OSError:
            os.close(event)
            os.close(control)
            return

        def watch() -> None:
            try:
                while not self._closing:
                    os.read(event, 8)  # an OOM event, or the cgroup was removed
                    if self._closing:
                        break
                    if self.counters()["oom_kills"] > 0:
                        self.kill_all()
            except OSError:
                pass
            finally:
                os.close(event)
                os.close(control)

        self._watcher = threading.Thread(target=watch, name=f"{self.name}-oom", daemon=True)
        self._watcher.start()

    # -- use ------------------------------------------------------------------------------
    def procs_files(self) -> list[str]:
        """The files a process writes its pid to, to join this cgroup (all hierarchies)."""
        return sorted({str(folder / "cgroup.procs") for folder in self.dirs.values()})

    def pids(self) -> set[int]:
        found: set[int] = set()
        for folder in set(self.dirs.values()):
            try:
                found |= {int(p) for p in (folder / "cgroup.procs").read_text().split()}
            except OSError:
                pass
        return found

    def counters(self) -> dict[str, int]:
        """How often the caps were hit: OOM kills, refused forks."""
        memory = self.dirs.get("memory")
        pids = self.dirs.get("pids")
        oom_kills = refused_forks = 0
        if memory is not None:
            if self.support.version == 2:
                events = _read_keyed(memory / "memory.events")
                oom_kills = events.get("oom_kill", 0) + events.get("oom_group_kill", 0)
            else:
                control = _read_keyed(memory / "memory.oom_control")
                if "oom_kill" in control:
                    oom_kills = control["oom_kill"]
                else:  # kernels before 4.13: count hitting the cap at all
                    try:
                        oom_kills = int((memory / "memory.failcnt").read_text())
                    except (OSError, ValueError):
                        pass
        if pids is not None:
            refused_forks = _read_keyed(pids / "pids.events").get("max", 0)
        return {"oom_kills": oom_kills, "refused_forks": refused_forks}

    def kill_all(self, timeout: float = 10.0) -> bool:
        """SIGKILL every process in the cgroup until none is left; True if emptied."""
        folder = next(iter(self.dirs.values()), None)
        if folder is None:
            return True
        kill_file = folder / "cgroup.kill"
        if self.support.version == 2 and kill_file.exists():
            try:
                kill_file.write_text("1")
            except OSError:
                pass
        deadline = time.monotonic() + timeout
        while True:
            pids = self.pids()
            if not pids:
                return True
            for pid in pids:  # a fork bomb is bounded by pids.max: this converges
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)

    def remove(self) -> bool:
        """Kill what is left and remove the cgroup folders; True if all are gone."""
        self._closing = True
        self.kill_all()
        removed = all([_rmdir(folder) for folder in set(self.dirs.values())])
        if self._watcher is not None:
            self._watcher.join(timeout=2)
        return removed
