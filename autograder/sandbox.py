"""The sandbox a student's kernel runs in while it is graded.

Student code is code from a stranger. Each kernel gets its own `Sandbox` (use it as a
context manager: `close()` kills whatever is left and removes everything it made):
- bubblewrap (`bwrap`) with new network, PID, IPC, UTS (and cgroup) namespaces: no
  network at all (not even the grader's loopback); every process it starts dies with it;
- a file system that holds only what the kernel needs, read-only (the system's /usr,
  Python, the venv, the course's `sociallearning` package and its sample data) and one
  writable folder, the scratch folder; the course's source notebooks, hidden tests,
  gradebook and other students' files are simply not there;
- an environment built from scratch (no grader's variables, tokens or paths leak in);
- caps for ALL of its processes together, in a cgroup of its own: memory (swap
  included; on an out-of-memory kill every process of the sandbox is stopped), number
  of processes and threads, CPU time; plus per-process rlimits: file size, no core dumps;
- a scratch folder of fixed size (a tmpfs, mounted by the grader so the kernel's Unix
  sockets and connection file stay reachable), so nothing it writes reaches the disk;
- its own user id, unique among everything running on the machine (lock files in
  /run/autograder/uids), and its own user namespace in which it is not root and cannot
  create further user namespaces; a seccomp deny list (see seccomp.py).
The kernel talks to the grader over Unix sockets in the scratch folder, since the
sandbox has no network. The wall-time caps are enforced by the grader (see execute.py).

What can be used depends on the machine, and `sandbox_mode()` / `check_sandbox()` say
which mode is in force (`SandboxMode.describe()`): without root and without delegated
cgroups, memory and processes are capped per process only (prlimit), and the scratch
folder is an ordinary folder whose files are capped one by one. Where bwrap cannot run
at all (not Linux, no bwrap, no user namespaces), `check_sandbox` refuses with the
reason and the way out (`--unsafe-no-sandbox`); there is no silent fallback.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from autograder import cgroups, seccomp
from autograder.sandbox_launch import SECCOMP_FD_MARKER

UNSAFE_FLAG = "--unsafe-no-sandbox"
# User ids that nothing else on a machine uses (Debian's "global" range), one per live
# sandbox when grading as root.
FIRST_SANDBOX_UID = 61000
LAST_SANDBOX_UID = 64999
RUN_DIR = Path("/run/autograder")
LAUNCHER = Path(__file__).with_name("sandbox_launch.py")
# Tasks of the sandbox's own machinery in its cgroup (bwrap outside and bwrap as PID 1),
# not counted against the notebook's process cap.
MACHINERY_TASKS = 2
# /dev/shm in the sandbox (POSIX shared memory; RAM, so it counts as memory).
SHM_MB = 64
# The scratch space counts as "full" when less than this is left.
SCRATCH_FULL_SLACK = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps on one notebook's kernel (all configurable from the command line)."""

    memory_mb: int = 2048  # all of its processes together (per process without cgroups)
    max_processes: int = 64  # processes and threads at once
    max_file_mb: int = 64  # largest file it may write
    cell_seconds: int = 60
    notebook_seconds: int = 300
    output_kb: int = 1024
    scratch_mb: int = 256  # its writable folder (RAM: counted on top of memory_mb)
    scratch_files: int = 20000  # files and folders in the scratch folder
    cpus: float = 1.0  # CPU time, in cores (0: not capped)


DEFAULT_LIMITS = Limits()


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here; str() says why and what to do."""


class ScratchFull(OSError):
    """The submission's files do not fit in the scratch space."""


def _refusal(why: str) -> SandboxUnavailable:
    return SandboxUnavailable(
        f"Cannot sandbox student code on this machine: {why}\n"
        "Student notebooks would run with your own rights, files and network.\n"
        "To grade anyway, at your own risk, add the flag "
        f"{UNSAFE_FLAG} (or run on Linux with bubblewrap: `apt-get install bubblewrap`)."
    )


def readonly_paths() -> list[Path]:
    """What the kernel may read: Python, the venv, the learner package and its data."""
    import sociallearning
    from sociallearning.paths import course_home

    package = Path(sociallearning.__file__).resolve().parent
    paths = {Path(sys.base_prefix).resolve(), Path(sys.prefix).resolve(), package}
    data = course_home() / "data"
    if data.is_dir():
        paths.add(data.resolve())
    # Skip anything already inside /usr (bound as a whole) and nested duplicates.
    kept = sorted(p for p in paths if not p.is_relative_to("/usr"))
    return [p for p in kept if not any(p != q and p.is_relative_to(q) for q in kept)]


def _parent_dirs(paths: list[Path]) -> list[Path]:
    parents = {parent for p in paths for parent in p.parents if parent != Path("/")}
    return sorted(parents, key=lambda p: len(p.parts))


def sandbox_environment(scratch: Path) -> dict[str, str]:
    """The only environment variables the kernel sees."""
    from sociallearning.paths import course_home

    return {
        "HOME": str(scratch),
        "TMPDIR": str(scratch),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "MPLCONFIGDIR": str(scratch / ".matplotlib"),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "SOCIALLEARNING_HOME": str(course_home()),
        "NBGRADER_EXECUTION": "autograde",
    }


def limit_command(limits: Limits, per_process_only: bool = True) -> list[str]:
    """prlimit prefix: file size, no core files; memory and processes where no cgroup caps them."""
    command = [shutil.which("prlimit") or "prlimit"]
    if per_process_only:
        command += [f"--as={limits.memory_mb * 1024 * 1024}", f"--nproc={limits.max_processes}"]
    return command + [f"--fsize={limits.max_file_mb * 1024 * 1024}", "--core=0", "--"]


def unsandboxed(argv: list[str], limits: Limits) -> list[str]:
    """Only rlimits, for --unsafe-no-sandbox (the instructor asked for it explicitly)."""
    return (limit_command(limits) if shutil.which("prlimit") else []) + argv


# -- what this machine allows ------------------------------------------------------------

@dataclass(frozen=True)
class SandboxMode:
    """Which of the sandbox's protections can be used here."""

    cgroup: cgroups.Support | None  # None: memory and processes capped per process only
    scratch_tmpfs: bool  # scratch folder of fixed size (needs root)
    as_root: bool  # grading as root: a unique unused user id per sandbox
    userns: bool  # its own user namespace (bwrap runs after dropping root)
    disable_userns: bool  # bwrap --disable-userns: no further user namespaces inside
    seccomp: bool  # the seccomp deny list is loaded

    def per_process_only(self) -> list[str]:
        """The caps that hold per process only (empty when all hold for the whole sandbox)."""
        gaps = []
        if self.cgroup is None:
            gaps += ["memory", "processes", "CPU"]
        elif "cpu" not in self.cgroup.controllers:
            gaps += ["CPU"]
        if not self.scratch_tmpfs:
            gaps += ["scratch space"]
        return gaps

    def describe(self, limits: Limits = DEFAULT_LIMITS) -> str:
        lines = ["Sandbox: bubblewrap; no network; own PID, IPC and UTS namespaces; "
                 "read-only system, Python and course package."]
        if self.cgroup is not None:
            where = f"cgroup v{self.cgroup.version}"
            scratch = (f" (plus its {limits.scratch_mb} MB scratch space, kept in RAM)"
                       if self.scratch_tmpfs else "")
            lines.append(f"- memory: {limits.memory_mb} MB for all of a notebook's processes "
                         f"together{scratch}, swap included ({where}); an out-of-memory kill "
                         "stops them all")
            lines.append(f"- processes: {limits.max_processes} processes and threads at once "
                         f"for the whole notebook ({where})")
            if "cpu" in self.cgroup.controllers and limits.cpus > 0:
                lines.append(f"- CPU: {limits.cpus:g} core(s) for the whole notebook ({where})")
            else:
                lines.append("- CPU: NOT capped (no cpu controller); only the time limits hold")
        else:
            why = ("cgroups are not writable here" if self.as_root
                   else "not root, and no cgroup is delegated to this user")
            lines.append(f"- memory: PER PROCESS ONLY ({limits.memory_mb} MB of address space "
                         f"each, prlimit): {why}; several processes together can use more")
            lines.append(f"- processes: PER USER ID ONLY ({limits.max_processes}, "
                         "RLIMIT_NPROC, counted in the sandbox's own user namespace)")
            lines.append("- CPU: NOT capped; only the time limits hold")
        if self.scratch_tmpfs:
            lines.append(f"- scratch space: {limits.scratch_mb} MB and {limits.scratch_files} "
                         "files (tmpfs); nothing reaches the disk")
        else:
            lines.append(f"- scratch space: NOT capped as a whole (needs root); only each file, "
                         f"up to {limits.max_file_mb} MB")
        if self.as_root:
            user = "its own unused user id (61000-64999)"
        else:
            user = "your user id"
        if self.userns:
            nested = ("further user namespaces disabled" if self.disable_userns or self.seccomp
                      else "further user namespaces NOT disabled")
            lines.append(f"- user: {user}, never root, in its own user namespace; {nested}")
        else:
            nested = ("further user namespaces blocked by seccomp" if self.seccomp
                      else "further user namespaces NOT blocked")
            lines.append(f"- user: {user}, never root (no user namespace: bwrap runs as root "
                         f"and drops to it); {nested}")
        lines.append("- seccomp: deny list loaded (libseccomp)" if self.seccomp
                     else "- seccomp: none (libseccomp not found)")
        return "\n".join(lines)


@cache
def _can_mount_tmpfs() -> bool:
    if platform.system() != "Linux" or os.geteuid() != 0:
        return False
    folder = Path(tempfile.mkdtemp(prefix="autograder-mount-probe-"))
    try:
        if _mount_tmpfs(folder, "autograder-probe", "size=1m,mode=0700") != 0:
            return False
        _umount(folder)
        return True
    finally:
        folder.rmdir()


def _system_binds() -> list[str]:
    """bwrap arguments for the read-only system: /usr and its usual links."""
    command = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if Path(f"/{name}").is_symlink():
            command += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif Path(f"/{name}").is_dir():
            command += ["--ro-bind", f"/{name}", f"/{name}"]
    return command


@cache
def _userns_support() -> tuple[bool, bool]:
    """(bwrap can give the sandbox its own user namespace, and --disable-userns works)."""
    bwrap, setpriv = shutil.which("bwrap"), shutil.which("setpriv")
    if bwrap is None or platform.system() != "Linux":
        return False, False
    prefix: list[str] = []
    lease = None
    if os.geteuid() == 0:
        if setpriv is None:
            return False, False
        try:
            lease = _UidLease()
        except (SandboxUnavailable, OSError):
            return False, False
        prefix = _drop_root(setpriv, lease.uid)
    try:
        for disable in (True, False):
            command = [*prefix, bwrap, "--unshare-user",
                       *(["--disable-userns"] if disable else []),
                       *_system_binds(), "--proc", "/proc", "true"]
            try:
                result = subprocess.run(command, capture_output=True, timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                continue
            if result.returncode == 0:
                return True, disable
        return False, False
    finally:
        if lease is not None:
            lease.release()


def sandbox_mode() -> SandboxMode:
    """What this machine allows (each probe runs once per process)."""
    userns, disable = _userns_support()
    return SandboxMode(
        cgroup=cgroups.probe(),
        scratch_tmpfs=_can_mount_tmpfs(),
        as_root=os.geteuid() == 0,
        userns=userns,
        disable_userns=disable,
        seccomp=seccomp.available(),
    )


# -- helpers -----------------------------------------------------------------------------

def _libc():
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                           ctypes.c_ulong, ctypes.c_char_p]
    libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    return libc


def _mount_tmpfs(target: Path, source: str, options: str) -> int:
    """0, or the errno of mounting a tmpfs (nosuid, nodev) on target."""
    libc = _libc()
    flags = 0x2 | 0x4  # MS_NOSUID | MS_NODEV
    if libc.mount(source.encode(), str(target).encode(), b"tmpfs", flags,
                  options.encode()) != 0:
        return ctypes.get_errno()
    return 0


def _umount(target: Path) -> bool:
    libc = _libc()
    if libc.umount2(str(target).encode(), 0) == 0:
        return True
    if ctypes.get_errno() == errno.EBUSY:
        return libc.umount2(str(target).encode(), 2) == 0  # MNT_DETACH
    return False


def _drop_root(setpriv: str, uid: int) -> list[str]:
    return [setpriv, f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--inh-caps=-all", "--bounding-set=-all", "--"]


def _processes_of(uid: int) -> list[int]:
    """Pids of the live (not zombie) processes whose real or effective user id is `uid`."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as handle:
                status = dict(line.split(":", 1) for line in handle if ":" in line)
        except OSError:
            continue
        if (str(uid) in status.get("Uid", "").split()[:2]
                and not status.get("State", "").strip().startswith(("Z", "X"))):
            found.append(int(entry.name))
    return found


def _kill_user(uid: int, timeout: float = 10.0) -> bool:
    """SIGKILL every process of `uid` (a sandbox's own unique uid) until none is left."""
    deadline = time.monotonic() + timeout
    while True:
        pids = _processes_of(uid)
        if not pids:
            return True
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)


class _UidLease:
    """An unused user id held by this process (flock on /run/autograder/uids/<uid>).

    The lock goes when the process does, even if it crashes; a uid that still has
    processes (left by a crashed grader) is skipped.
    """

    def __init__(self) -> None:
        import fcntl  # Unix only: this module must import anywhere (learners self-grade)
        import pwd

        folder = RUN_DIR / "uids"
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        for uid in range(FIRST_SANDBOX_UID, LAST_SANDBOX_UID + 1):
            try:
                pwd.getpwuid(uid)
                continue  # a real account
            except KeyError:
                pass
            fd = os.open(folder / str(uid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            if _processes_of(uid):
                os.close(fd)
                continue
            self.uid, self._fd = uid, fd
            return
        raise SandboxUnavailable(
            f"all sandbox user ids {FIRST_SANDBOX_UID}-{LAST_SANDBOX_UID} are in use")

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _state_base() -> Path:
    """Where sandboxes keep their private files (never visible inside a sandbox)."""
    if os.geteuid() == 0:
        base = RUN_DIR / "sandboxes"
        try:
            base.mkdir(parents=True, exist_ok=True)
            for folder in (RUN_DIR, base):  # traversable: bwrap, no longer root, binds from here
                os.chmod(folder, 0o755)
            return base
        except OSError:
            pass
    return Path(tempfile.gettempdir())


# -- the sandbox -------------------------------------------------------------------------

class Sandbox:
    """One kernel's sandbox, from before it starts until everything it left is gone.

        with Sandbox(scratch, limits) as box:
            box.add_file(data_file, "data.csv")      # or put files in scratch beforehand
            command = box.wrap(kernel_argv)          # start it with env=box.environment()
            ...                                      # (or env={}: bwrap clears it anyway)
            reasons = box.limit_hits()               # plain-English caps that were hit

    `scratch` is the kernel's only writable folder (its HOME, TMPDIR and working folder);
    files already in it are carried into the sandbox's scratch space when it opens. The
    grader reads and writes it by the same path (connection file, Unix sockets).
    """

    def __init__(self, scratch: Path, limits: Limits = DEFAULT_LIMITS,
                 mode: SandboxMode | None = None):
        self.scratch = Path(os.path.abspath(scratch))
        self.limits = limits
        self.mode = mode or sandbox_mode()
        self.name = f"autograder-{secrets.token_hex(6)}"
        self.uid, self.gid = os.getuid(), os.getgid()
        self.cgroup: cgroups.Cgroup | None = None
        self._lease: _UidLease | None = None
        self._mounted = False
        self._created_scratch = False
        self._seccomp = False
        self._closed = False
        self._hits_at_close: list[str] | None = None
        self._state = Path(tempfile.mkdtemp(prefix=f"{self.name}-", dir=_state_base()))
        try:
            if self.mode.as_root:
                self._lease = _UidLease()
                self.uid = self.gid = self._lease.uid
            if self.mode.cgroup is not None:
                extra = limits.scratch_mb if self.mode.scratch_tmpfs else 0
                self.cgroup = cgroups.Cgroup(
                    self.mode.cgroup, self.name,
                    memory_bytes=(limits.memory_mb + extra) * 1024 * 1024,
                    max_tasks=limits.max_processes + MACHINERY_TASKS, cpus=limits.cpus)
            self._open_scratch()
            if self.mode.seccomp:
                self._seccomp = seccomp.compile_filter(self._state / "seccomp.bpf")
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- scratch folder -------------------------------------------------------------------
    def _open_scratch(self) -> None:
        if not self.scratch.exists():
            self.scratch.mkdir(parents=True, mode=0o700)
            self._created_scratch = True
        if not self.mode.scratch_tmpfs:
            return
        staging = None
        if any(self.scratch.iterdir()):  # carried in once the tmpfs is there
            staging = self.scratch.with_name(f".{self.scratch.name}-{self.name}")
            os.rename(self.scratch, staging)
            self.scratch.mkdir(mode=0o700)
        options = (f"size={self.limits.scratch_mb}m,nr_inodes={self.limits.scratch_files},"
                   f"mode=0700,uid={self.uid},gid={self.gid}")
        failure = _mount_tmpfs(self.scratch, self.name, options)
        if failure:
            raise OSError(failure, f"cannot mount the scratch tmpfs on {self.scratch}: "
                                   f"{os.strerror(failure)}")
        self._mounted = True
        if staging is not None:
            try:
                shutil.copytree(staging, self.scratch, symlinks=True, dirs_exist_ok=True)
            except (OSError, shutil.Error) as error:
                raise ScratchFull(errno.ENOSPC, "the submission's files do not fit in the "
                                  f"{self.limits.scratch_mb} MB scratch space") from error
            finally:
                shutil.rmtree(staging, ignore_errors=True)

    def add_file(self, source: Path, relative_dest: str | Path) -> Path:
        """Copy a file into the scratch folder (before the kernel starts); its path there."""
        relative = Path(relative_dest)
        if relative.is_absolute() or ".." in relative.parts or not relative.parts:
            raise ValueError(f"not a path inside the scratch folder: {relative_dest}")
        target = self.scratch / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        except OSError as error:
            if error.errno in (errno.ENOSPC, errno.EDQUOT):
                raise ScratchFull(error.errno, f"{relative} does not fit in the "
                                  f"{self.limits.scratch_mb} MB scratch space") from error
            raise
        self._hand_over()
        return target

    def _hand_over(self) -> None:
        """Everything in the scratch folder belongs to the sandbox's user (as root)."""
        if not self.mode.as_root:
            return
        for root, dirs, files in os.walk(self.scratch):
            for name in [*dirs, *files]:
                os.lchown(os.path.join(root, name), self.uid, self.gid)
        os.lchown(self.scratch, self.uid, self.gid)

    # -- command line ---------------------------------------------------------------------
    def environment(self) -> dict[str, str]:
        """The only environment variables the kernel sees."""
        return sandbox_environment(self.scratch)

    def wrap(self, argv: list[str]) -> list[str]:
        """The command line that runs `argv` in this sandbox (start it with env={})."""
        if self._closed:
            raise RuntimeError("this sandbox is closed")
        self._hand_over()
        mode = self.mode
        bwrap = shutil.which("bwrap") or "bwrap"
        readonly = readonly_paths()
        # bwrap drops root before it binds: folders under /root or a private temporary
        # folder are bound by the launcher onto a traversable staging tmpfs first.
        stage = mode.as_root and mode.userns
        sources = [*readonly, self.scratch]
        source = ({p: str(self._state / str(i)) for i, p in enumerate(sources)} if stage
                  else {p: str(p) for p in sources})

        command: list[str] = []
        if mode.as_root and mode.userns:
            command += _drop_root(shutil.which("setpriv") or "setpriv", self.uid)
        command += [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
                    "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv"]
        if mode.userns:
            command += ["--unshare-user"] + (["--disable-userns"] if mode.disable_userns else [])
        command += _system_binds()
        # bwrap makes missing parent folders private (0700); the kernel must traverse them.
        for parent in _parent_dirs(sources):
            command += ["--perms", "0755", "--dir", str(parent)]
        for path in readonly:
            command += ["--ro-bind", source[path], str(path)]
        command += ["--proc", "/proc", "--dev", "/dev",
                    # POSIX shared memory and semaphores (multiprocessing) need /dev/shm
                    "--size", str(SHM_MB << 20), "--perms", "1777", "--tmpfs", "/dev/shm",
                    "--bind", source[self.scratch], str(self.scratch),
                    # Nothing else is writable: not the sandbox's root tmpfs, not /dev.
                    "--remount-ro", "/dev", "--remount-ro", "/",
                    "--chdir", str(self.scratch)]
        for key, value in self.environment().items():
            command += ["--setenv", key, value]
        if self._seccomp:
            command += ["--seccomp", SECCOMP_FD_MARKER]
        if mode.as_root and not mode.userns:  # bwrap ran as root: drop it inside
            command += _drop_root("setpriv", self.uid)
        command += limit_command(self.limits, per_process_only=self.cgroup is None) + argv

        spec = {
            "cgroup_procs": self.cgroup.procs_files() if self.cgroup else [],
            "pid_file": str(self._state / "pid"),
            "stage": str(self._state) if stage else None,
            "stage_sources": [str(p) for p in sources] if stage else [],
            "seccomp": str(self._state / "seccomp.bpf") if self._seccomp else None,
            "argv": command,
        }
        spec_file = self._state / "spec.json"
        spec_file.write_text(json.dumps(spec))
        return [sys.executable, "-I", "-S", str(LAUNCHER), str(spec_file)]

    # -- limits that were hit -------------------------------------------------------------
    def _read_hits(self) -> list[str]:
        limits, hits = self.limits, []
        if self.cgroup is not None:
            counters = self.cgroup.counters()
            if counters["oom_kills"]:
                hits.append(f"the notebook used more than its {limits.memory_mb} MB of memory "
                            "(all its processes together) and was stopped")
            if counters["refused_forks"]:
                hits.append(f"the notebook tried to run more than {limits.max_processes} "
                            "processes at once (threads count too)")
        if self._mounted:
            try:
                usage = os.statvfs(self.scratch)
            except OSError:
                usage = None
            if usage is not None and usage.f_bavail * usage.f_frsize < SCRATCH_FULL_SLACK:
                hits.append(f"the notebook filled its {limits.scratch_mb} MB of scratch space")
            elif usage is not None and usage.f_favail == 0:
                hits.append(f"the notebook made more than {limits.scratch_files} files and "
                            "folders in its scratch space")
        return hits

    def limit_hits(self) -> list[str]:
        """Plain-English reasons for each cap that was hit (also after close())."""
        if self._hits_at_close is not None:
            return list(self._hits_at_close)
        return self._read_hits()

    # -- the end --------------------------------------------------------------------------
    def _launcher_pid(self) -> int | None:
        """The sandbox's first process, if it is still our child (pid not reused)."""
        try:
            pid = int((self._state / "pid").read_text())
            stat = Path(f"/proc/{pid}/stat").read_text()
        except (OSError, ValueError):
            return None
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        return pid if parent == os.getpid() else None

    def close(self) -> None:
        """Kill every process left in the sandbox and remove everything it made."""
        if self._closed:
            return
        self._closed = True
        problems = []
        try:
            self._hits_at_close = self._read_hits()
        except OSError:
            self._hits_at_close = []
        pid = self._launcher_pid()
        if pid is not None:  # bwrap: with it, its PID namespace and all in it go
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            if self.cgroup is not None and not self.cgroup.remove():
                problems.append(f"cgroup {self.name} could not be emptied and removed")
        except OSError as error:
            problems.append(f"cgroup {self.name}: {error}")
        if self._lease is not None:
            try:
                if not _kill_user(self.uid):  # the uid is this sandbox's alone
                    problems.append(f"processes of user id {self.uid} survived")
            finally:
                self._lease.release()  # a uid with live processes is never handed out
        if self._mounted:
            if _umount(self.scratch):
                self._mounted = False
            else:
                problems.append(f"the scratch tmpfs on {self.scratch} could not be unmounted")
        if self._created_scratch and not self._mounted:
            shutil.rmtree(self.scratch, ignore_errors=True)
        shutil.rmtree(self._state, ignore_errors=True)
        if problems:
            raise RuntimeError("sandbox clean-up incomplete: " + "; ".join(problems))


@cache
def check_sandbox() -> SandboxMode:
    """The mode in force (see SandboxMode.describe); SandboxUnavailable (with why and how
    to proceed) unless the sandbox works."""
    if platform.system() != "Linux":
        raise _refusal(f"the sandbox needs Linux namespaces; this is {platform.system()}.")
    for tool in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ()):
        if not shutil.which(tool):
            raise _refusal(f"`{tool}` is not installed.")
    mode = sandbox_mode()
    if not mode.as_root and not mode.userns:
        raise _refusal("bubblewrap cannot create a user namespace (are unprivileged user "
                       "namespaces disabled, e.g. kernel.unprivileged_userns_clone=0 or "
                       "user.max_user_namespaces=0, or inside a container?).")
    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as folder:
        try:
            with Sandbox(Path(folder) / "work", Limits(), mode) as box:
                probe = box.wrap([sys.executable, "-c", "print('ok')"])
                result = subprocess.run(probe, capture_output=True, text=True, timeout=60,
                                        env={})
        except (OSError, RuntimeError) as error:
            raise _refusal(f"the sandbox could not be set up: {error}") from None
    if result.returncode != 0 or result.stdout.strip() != "ok":
        detail = (result.stderr.strip() or result.stdout.strip())[-400:]
        raise _refusal(
            "bubblewrap could not start a sandbox (are unprivileged user namespaces "
            f"disabled, e.g. kernel.unprivileged_userns_clone=0 or inside a container?). "
            f"bwrap said: {detail}"
        )
    return mode
