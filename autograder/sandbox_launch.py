"""First program of every sandbox: run by the grader's Python as `python -I -S THIS SPEC`.

It is tiny and imports nothing from the course, because it runs with the grader's
rights (root, when grading as root). From the JSON file SPEC it:
1. writes its own pid to the sandbox's cgroup(s) (cgroup.procs), so it and everything
   started after it is counted and capped together, and to the pid file the grader
   reads to stop the sandbox;
2. opens the seccomp program for bubblewrap (`--seccomp FD`);
3. when `stage` is set (grading as root): enters a private mount namespace and bind-
   mounts the folders the sandbox needs (Python may live under /root, the scratch
   folder under a private temporary folder) onto a world-traversable staging tmpfs, so
   bubblewrap can reach them after it dropped root. Nothing of this is seen outside;
4. replaces itself with the command (setpriv ... bwrap ...), keeping its pid.
Any failure stops it with exit status 126 and a reason on stderr: the kernel then
never runs, rather than run without its caps.
"""

import ctypes
import json
import os
import sys

CLONE_NEWNS = 0x00020000
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MS_NOSUID = 0x2
MS_NODEV = 0x4
SECCOMP_FD_MARKER = "@seccomp-fd@"


def fail(message: str) -> None:
    sys.stderr.write(f"sandbox launcher: {message}\n")
    sys.exit(126)


def main() -> None:
    with open(sys.argv[1]) as handle:
        spec = json.load(handle)
    pid = str(os.getpid())
    for procs in spec["cgroup_procs"]:
        try:
            with open(procs, "w") as handle:
                handle.write(pid)
        except OSError as error:
            fail(f"cannot join cgroup {procs}: {error}")
    with open(spec["pid_file"], "w") as handle:
        handle.write(pid)

    argv = list(spec["argv"])
    if spec.get("seccomp"):
        fd = os.open(spec["seccomp"], os.O_RDONLY)  # before the staging hides it
        os.set_inheritable(fd, True)
        argv = [str(fd) if item == SECCOMP_FD_MARKER else item for item in argv]

    if spec.get("stage"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.unshare.argtypes = [ctypes.c_int]
        libc.mount.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p,
                               ctypes.c_ulong, ctypes.c_char_p]

        def check(result: int, what: str) -> None:
            if result != 0:
                fail(f"{what}: {os.strerror(ctypes.get_errno())}")

        check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        check(libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
        stage = spec["stage"].encode()
        check(libc.mount(b"autograder-stage", stage, b"tmpfs", MS_NOSUID | MS_NODEV,
                         b"mode=0755,size=1m"), "mount staging tmpfs")
        for index, source in enumerate(spec["stage_sources"]):
            target = os.path.join(spec["stage"], str(index))
            os.mkdir(target, 0o755)
            check(libc.mount(source.encode(), target.encode(), None, MS_BIND | MS_REC, None),
                  f"bind {source}")

    try:
        os.execv(argv[0], argv)
    except OSError as error:
        fail(f"cannot run {argv[0]}: {error}")


if __name__ == "__main__":
    main()
