"""The sandbox a student's kernel runs in while it is graded.

Student code is code from a stranger. Its kernel runs under bubblewrap (`bwrap`) with:
- new network, PID, IPC and UTS namespaces: no network at all (not even the grader's
  loopback), and every process it starts dies with the sandbox;
- a file system that holds only what the kernel needs, read-only (the system's /usr,
  Python, the course's `sociallearning` package and its sample data) and one writable
  folder, the submission's own scratch folder; the course's source notebooks, hidden
  tests, gradebook and other students' files are simply not there;
- an environment built from scratch (no grader's variables, tokens or paths leak in);
- rlimits: address space (memory), processes, file size, no core dumps;
- when the grader runs as root: its own unused user id per parallel job, so the
  process cap counts only that job's processes and nothing it does runs as root.
The kernel talks to the grader over Unix sockets in the scratch folder, since the
sandbox has no network. The wall-time cap is enforced by the grader (see execute.py).

Where bwrap cannot run (not Linux, no bwrap, no user namespaces), `check_sandbox`
refuses with the reason and the way out (`--unsafe-no-sandbox`); there is no silent
fallback.
"""

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

UNSAFE_FLAG = "--unsafe-no-sandbox"
# User ids that nothing else on a machine uses, one per parallel job (root only).
FIRST_SANDBOX_UID = 61000


@dataclass(frozen=True)
class Limits:
    """Caps on one notebook's kernel (all configurable from the command line)."""

    memory_mb: int = 2048
    max_processes: int = 64
    max_file_mb: int = 64
    cell_seconds: int = 60
    notebook_seconds: int = 300
    output_kb: int = 1024


DEFAULT_LIMITS = Limits()


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot run here; str() says why and what to do."""


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


def limit_command(limits: Limits) -> list[str]:
    """prlimit prefix: memory, processes, file size, no core files."""
    return [
        shutil.which("prlimit") or "prlimit",
        f"--as={limits.memory_mb * 1024 * 1024}",
        f"--nproc={limits.max_processes}",
        f"--fsize={limits.max_file_mb * 1024 * 1024}",
        "--core=0",
        "--",
    ]


def sandbox_uid(slot: int) -> int:
    return FIRST_SANDBOX_UID + slot


def wrap(argv: list[str], scratch: Path, limits: Limits, slot: int = 0) -> list[str]:
    """The command line that runs `argv` inside the sandbox, `scratch` its only writable place."""
    as_root = os.geteuid() == 0
    readonly = readonly_paths()
    command = [shutil.which("bwrap") or "bwrap", "--unshare-net", "--unshare-pid",
               "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
               "--die-with-parent", "--new-session", "--clearenv"]
    if not as_root:
        command += ["--unshare-user"]
    command += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin"):
        if Path(f"/{name}").is_symlink():
            command += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
        elif Path(f"/{name}").is_dir():
            command += ["--ro-bind", f"/{name}", f"/{name}"]
    # bwrap makes missing parent folders private (0700); the kernel must traverse them.
    for parent in _parent_dirs([*readonly, scratch]):
        command += ["--perms", "0755", "--dir", str(parent)]
    for path in readonly:
        command += ["--ro-bind", str(path), str(path)]
    command += ["--proc", "/proc", "--dev", "/dev", "--bind", str(scratch), str(scratch),
                "--chdir", str(scratch)]
    for key, value in sandbox_environment(scratch).items():
        command += ["--setenv", key, value]
    if as_root:
        uid = str(sandbox_uid(slot))
        command += ["setpriv", f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--"]
    return command + limit_command(limits) + argv


def unsandboxed(argv: list[str], limits: Limits) -> list[str]:
    """Only rlimits, for --unsafe-no-sandbox (the instructor asked for it explicitly)."""
    return (limit_command(limits) if shutil.which("prlimit") else []) + argv


def prepare_scratch(scratch: Path, slot: int) -> None:
    """The scratch folder must belong to the sandbox's user, who writes there."""
    scratch.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        uid = sandbox_uid(slot)
        for path in [scratch, *scratch.rglob("*")]:
            os.chown(path, uid, uid)


@cache
def check_sandbox() -> None:
    """Raise SandboxUnavailable (with why and how to proceed) unless the sandbox works."""
    if platform.system() != "Linux":
        raise _refusal(f"the sandbox needs Linux namespaces; this is {platform.system()}.")
    for tool in ("bwrap", "prlimit") + (("setpriv",) if os.geteuid() == 0 else ()):
        if not shutil.which(tool):
            raise _refusal(f"`{tool}` is not installed.")
    import tempfile

    with tempfile.TemporaryDirectory(prefix="autograder-probe-") as folder:
        scratch = Path(folder)
        prepare_scratch(scratch, 0)
        probe = wrap([sys.executable, "-c", "print('ok')"], scratch, Limits())
        result = subprocess.run(probe, capture_output=True, text=True, timeout=60)
    if result.returncode != 0 or result.stdout.strip() != "ok":
        detail = (result.stderr.strip() or result.stdout.strip())[-400:]
        raise _refusal(
            "bubblewrap could not start a sandbox (are unprivileged user namespaces "
            f"disabled, e.g. kernel.unprivileged_userns_clone=0 or inside a container?). "
            f"bwrap said: {detail}"
        )
