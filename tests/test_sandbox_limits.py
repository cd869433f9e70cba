"""The grading sandbox capped as a whole: memory, processes, scratch space, isolation.

Short-lived `python -c` programs run in `Sandbox` directly (no Jupyter kernel). Tests
that need cgroups or a sized scratch folder say so when this machine cannot provide
them (the fallback test covers what is said then).
"""

import platform
import shutil
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from autograder import cgroups, sandbox
from autograder.sandbox import Limits, Sandbox

pytestmark = pytest.mark.skipif(
    platform.system() != "Linux" or shutil.which("bwrap") is None,
    reason="the sandbox needs Linux and bubblewrap (apt-get install bubblewrap)")


@pytest.fixture(scope="module")
def mode():
    return sandbox.sandbox_mode()


def needs_cgroups(mode):
    if mode.cgroup is None:
        pytest.skip("cgroups cannot be used here (not root, nothing delegated): "
                    "see test_fallback_says_which_caps_are_per_process_only")


def needs_sized_scratch(mode):
    if not mode.scratch_tmpfs:
        pytest.skip("a scratch folder of fixed size needs root (tmpfs mount)")


def run(box: Sandbox, code: str, timeout: float = 30) -> subprocess.CompletedProcess:
    command = box.wrap([sys.executable, "-c", textwrap.dedent(code)])
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env={})


def start(box: Sandbox, code: str) -> subprocess.Popen:
    command = box.wrap([sys.executable, "-c", textwrap.dedent(code)])
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={})


def mounted(path: Path) -> list[str]:
    """File system types mounted exactly on `path`."""
    types = []
    for line in Path("/proc/self/mountinfo").read_text().splitlines():
        left, _, right = line.partition(" - ")
        if left.split()[4] == str(path):
            types.append(right.split()[0])
    return types


CHILDREN = """
    import subprocess, sys, time
    code = ("import time; block = b'x' * ({mb} << 20); print('allocated', flush=True);"
            "time.sleep(20)")
    children = [subprocess.Popen([sys.executable, "-c", code]) for _ in range({n})]
    print("exit codes", [child.wait() for child in children], flush=True)
"""


def test_children_together_over_the_memory_cap_are_stopped(tmp_path, mode):
    needs_cgroups(mode)
    limits = Limits(memory_mb=200, scratch_mb=16)
    # One child of 100 MB (plus its Python) fits in 200 MB ...
    with Sandbox(tmp_path / "one", limits) as box:
        alone = run(box, CHILDREN.format(mb=100, n=1).replace("time.sleep(20)", "pass"))
        assert alone.returncode == 0, alone.stderr
        assert alone.stdout.count("allocated") == 1
        assert box.limit_hits() == []
    # ... three at once do not: all of the sandbox is stopped, long before their sleep ends.
    with Sandbox(tmp_path / "three", limits) as box:
        started = time.monotonic()
        together = run(box, CHILDREN.format(mb=100, n=3))
        assert time.monotonic() - started < 15
        assert together.returncode != 0
        assert "exit codes" not in together.stdout  # the parent was stopped as well
        hits = box.limit_hits()
        assert any("more than its 200 MB of memory" in hit for hit in hits), hits
        deadline = time.monotonic() + 5  # the last ones may still be exiting
        while box.cgroup.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert box.cgroup.pids() == set()


def test_a_fork_loop_is_capped_and_named(tmp_path, mode):
    needs_cgroups(mode)
    with Sandbox(tmp_path / "work", Limits(max_processes=16)) as box:
        result = run(box, """
            import os, time
            forked = 0
            try:
                while True:
                    if os.fork() == 0:
                        time.sleep(20)
                        os._exit(0)
                    forked += 1
            except OSError as error:
                print("refused after", forked, error.errno, flush=True)
        """)
        words = result.stdout.split()
        assert words[:2] == ["refused", "after"], (result.stdout, result.stderr)
        assert 10 <= int(words[2]) < 16  # the python itself counts too
        hits = box.limit_hits()
        assert any("more than 16 processes at once" in hit for hit in hits), hits


def test_writing_past_the_scratch_size_fails_and_is_named(tmp_path, mode):
    needs_sized_scratch(mode)
    scratch = tmp_path / "work"
    with Sandbox(scratch, Limits(scratch_mb=16)) as box:
        assert mounted(scratch) == ["tmpfs"]
        result = run(box, """
            import errno
            written = 0
            try:
                with open("big.bin", "wb") as handle:
                    while True:
                        handle.write(b"x" * (1 << 20))
                        handle.flush()
                        written += 1
            except OSError as error:
                print(errno.errorcode[error.errno], written, flush=True)
        """)
        code, written = result.stdout.split()
        assert code == "ENOSPC", result.stderr
        assert int(written) <= 16
        hits = box.limit_hits()
        assert any("filled its 16 MB of scratch space" in hit for hit in hits), hits
        assert (scratch / "big.bin").stat().st_size >= 15 * 1024 * 1024  # grader sees it
    # It lived in RAM only: once closed, nothing of it is on the disk below.
    assert mounted(scratch) == []
    assert not scratch.exists() or list(scratch.iterdir()) == []


def test_files_put_in_the_scratch_folder_reach_the_kernel(tmp_path, mode):
    scratch = tmp_path / "work"
    scratch.mkdir()
    (scratch / "given.csv").write_text("a,b\n1,2\n")  # there before the sandbox opens
    source = tmp_path / "data.csv"
    source.write_text("x\n3\n")
    with Sandbox(scratch, Limits()) as box:
        box.add_file(source, "sub/data.csv")
        with pytest.raises(ValueError):
            box.add_file(source, "../escape.csv")
        result = run(box, """
            import os
            print(sorted(os.listdir(".")), open("sub/data.csv").read().split())
            open("mine.txt", "w").write("ok")
        """)
        assert result.stdout.strip() == "['given.csv', 'sub'] ['x', '3']", result.stderr
        assert (scratch / "mine.txt").read_text() == "ok"


HOLD_PROCESSES = """
    import os, sys, time
    forked = 0
    try:
        while True:
            if os.fork() == 0:
                time.sleep(30)
                os._exit(0)
            forked += 1
    except OSError:
        print("holding", forked, flush=True)
    time.sleep(30)
"""

START_20 = """
    import os, time
    children = []
    for _ in range(20):
        pid = os.fork()
        if pid == 0:
            time.sleep(2)
            os._exit(0)
        children.append(pid)
    print("started", len(children), flush=True)
    print("all exited", all(os.waitpid(pid, 0)[1] == 0 for pid in children), flush=True)
"""


def test_one_sandbox_at_its_process_cap_does_not_stop_another(tmp_path, mode):
    # Both with the same cap: sharing one count (as sandboxes sharing a user id did),
    # the honest one could not start a single process.
    with Sandbox(tmp_path / "greedy", Limits()) as greedy, \
            Sandbox(tmp_path / "honest", Limits()) as honest:
        hog = start(greedy, HOLD_PROCESSES)
        try:
            line = hog.stdout.readline()
            assert line.startswith("holding"), (line, hog.stderr.read() if hog.poll() else "")
            outcome = {}
            worker = threading.Thread(target=lambda: outcome.update(r=run(honest, START_20)))
            worker.start()
            worker.join(timeout=30)
            result = outcome["r"]
            assert result.stdout.split("\n")[:2] == ["started 20", "all exited True"], \
                result.stderr
            assert hog.poll() is None  # still holding its cap all along
        finally:
            hog.kill()
            hog.wait()
        if mode.cgroup is not None:
            assert any("more than 64 processes" in hit for hit in greedy.limit_hits())
            assert honest.limit_hits() == []
        if mode.as_root:
            assert greedy.uid != honest.uid


def test_nothing_is_left_after_close(tmp_path, mode):
    scratch = tmp_path / "work"
    box = Sandbox(scratch, Limits())
    state = box._state
    process = start(box, """
        import os, subprocess, sys, time
        # A grandchild in a session of its own, that ignores SIGTERM and SIGHUP.
        subprocess.Popen([sys.executable, "-c",
                          "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                          "signal.signal(signal.SIGHUP, signal.SIG_IGN); time.sleep(60)"],
                         start_new_session=True)
        print("ready", flush=True)
        time.sleep(60)
    """)
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    cgroup_dirs = list(box.cgroup.dirs.values()) if box.cgroup else []
    inside = box.cgroup.pids() if box.cgroup else set()
    if box.cgroup:
        assert len(inside) >= 4  # bwrap, bwrap as PID 1, the program, its grandchild
    box.close()
    process.wait(timeout=10)  # the first process was killed
    time.sleep(0.2)
    for pid in inside:
        status = Path(f"/proc/{pid}/status")
        assert not status.exists() or "zombie" in status.read_text(), pid
    if mode.as_root:
        assert sandbox._processes_of(box.uid) == []
    assert all(not folder.exists() for folder in cgroup_dirs)
    assert mounted(scratch) == []
    assert not state.exists()
    assert not scratch.exists()  # the sandbox made it, the sandbox removed it
    box.close()  # twice is harmless


def test_no_network_no_writing_outside_not_root(tmp_path, mode):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    outside = tmp_path / "outside.txt"
    try:
        with Sandbox(tmp_path / "work", Limits()) as box:
            result = run(box, f"""
                import ctypes, os, socket
                try:
                    socket.create_connection(("127.0.0.1", {port}), timeout=3)
                    print("grader reachable")
                except OSError:
                    print("grader unreachable")
                try:
                    socket.create_connection(("192.0.2.1", 80), timeout=3)
                    print("internet reachable")
                except OSError:
                    print("internet unreachable")
                for path in [{str(outside)!r}, "/usr/x", "/tmp/x", "/x", "/dev/x",
                             {str(Path(sandbox.__file__).parent / "x")!r}]:
                    try:
                        open(path, "w").write("x")
                        print("wrote", path)
                    except OSError:
                        pass
                open("/dev/null", "w").write("x")
                open("/dev/shm/x", "w").write("x")
                print("uid", os.getuid(), os.geteuid())
                status = dict(line.split(":", 1) for line in open("/proc/self/status"))
                print("caps", status["CapEff"].strip(), "seccomp", status["Seccomp"].strip())
                libc = ctypes.CDLL(None, use_errno=True)
                print("new user namespace", libc.unshare(0x10000000))  # CLONE_NEWUSER
                print("sees the course", os.path.exists({str(Path(sandbox.__file__))!r}))
            """)
    finally:
        listener.close()
    lines = result.stdout.splitlines()
    assert "grader unreachable" in lines and "internet unreachable" in lines, result.stderr
    assert not [line for line in lines if line.startswith("wrote")]
    assert not outside.exists()
    uid = int(lines[lines.index("grader unreachable") + 2].split()[1])
    assert f"uid {uid} {uid}" in lines and uid != 0
    if mode.as_root:
        assert uid == box.uid and sandbox.FIRST_SANDBOX_UID <= uid <= sandbox.LAST_SANDBOX_UID
    caps_line = next(line for line in lines if line.startswith("caps"))
    assert caps_line.split()[1] == "0000000000000000"
    if mode.seccomp:
        assert caps_line.split()[3] == "2"  # a filter is loaded
    assert "new user namespace -1" in lines
    assert "sees the course False" in lines


def test_fallback_says_which_caps_are_per_process_only(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "probe", lambda: None)
    mode = sandbox.sandbox_mode()
    assert mode.cgroup is None
    assert {"memory", "processes", "CPU"} <= set(mode.per_process_only())
    text = mode.describe(Limits(memory_mb=300))
    assert "memory: PER PROCESS ONLY (300 MB of address space each" in text
    assert "processes: PER USER ID ONLY" in text
    assert "CPU: NOT capped" in text
    assert ("scratch space: NOT capped" in text) == (not mode.scratch_tmpfs)
    with Sandbox(tmp_path / "work", Limits(memory_mb=300)) as box:
        assert box.cgroup is None
        command = box.wrap(["true"])
        spec = Path(command[-1]).read_text()
        assert "--as=314572800" in spec and "--nproc=64" in spec
        # The per-process cap still holds: one process over it fails, the sandbox runs on.
        result = run(box, """
            try:
                block = b"x" * (400 << 20)
                print("allocated")
            except MemoryError:
                print("MemoryError")
        """)
        assert result.stdout.strip() == "MemoryError", result.stderr
        assert box.limit_hits() == []  # nothing to read the hits from: said in describe()


def test_check_sandbox_reports_the_mode(mode):
    checked = sandbox.check_sandbox()
    assert checked == mode
    text = checked.describe()
    assert "memory:" in text and "processes:" in text and "scratch space:" in text
    if mode.cgroup is not None:
        assert f"cgroup v{mode.cgroup.version}" in text


def test_cgroup_v2_settings_and_counters(tmp_path):
    """cgroup v2 cannot be tried on a v1 machine: its files are checked on a plain folder."""
    support = cgroups.Support(2, {"memory": tmp_path, "pids": tmp_path, "cpu": tmp_path})
    group = cgroups.Cgroup(support, "autograder-test", memory_bytes=300 << 20, max_tasks=18,
                           cpus=1.5)
    folder = tmp_path / "autograder-test"
    assert group.procs_files() == [str(folder / "cgroup.procs")]
    assert (folder / "memory.max").read_text() == str(300 << 20)
    assert (folder / "memory.swap.max").read_text() == "0"
    assert (folder / "memory.oom.group").read_text() == "1"  # an OOM kill stops them all
    assert (folder / "pids.max").read_text() == "18"
    assert (folder / "cpu.max").read_text() == "150000 100000"
    assert group.counters() == {"oom_kills": 0, "refused_forks": 0}
    (folder / "memory.events").write_text("low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n")
    (folder / "pids.events").write_text("max 3\n")
    assert group.counters() == {"oom_kills": 1, "refused_forks": 3}
