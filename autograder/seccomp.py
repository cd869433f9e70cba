"""A seccomp filter for the sandbox, compiled with libseccomp (Debian: libseccomp2).

bubblewrap loads it (`--seccomp FD`) just before it starts the kernel. It is a deny list
on top of everything else the sandbox does, in the spirit of Flatpak's: system calls no
notebook needs and that widen the kernel's attack surface fail with EPERM (kernel keys,
mounting, module loading, bpf, perf, io_uring, ptrace, userfaultfd, ...), and new user
namespaces are refused (clone/unshare with CLONE_NEWUSER; clone3 says ENOSYS, so the C
library falls back to clone, whose flags the filter can see).

libseccomp is called through ctypes: it is the reference library (used by systemd,
Docker and Flatpak) and is installed almost everywhere; Python bindings for it are not
on PyPI in a maintained form. Where it is missing, `compile_filter` returns None and
the sandbox says that no seccomp filter is in force.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
from functools import cache
from pathlib import Path

SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_CMP_MASKED_EQ = 7
CLONE_NEWUSER = 0x10000000

DENIED = (
    "acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "create_module",
    "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick",
    "get_kernel_syms", "init_module", "io_uring_enter", "io_uring_register",
    "io_uring_setup", "ioperm", "iopl", "kexec_file_load", "kexec_load", "keyctl",
    "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at",
    "nfsservctl", "open_by_handle_at", "open_tree", "perf_event_open", "pivot_root",
    "process_vm_readv", "process_vm_writev", "ptrace", "query_module", "quotactl",
    "quotactl_fd", "reboot", "request_key", "setdomainname", "sethostname", "setns",
    "settimeofday", "swapoff", "swapon", "syslog", "umount", "umount2", "uselib",
    "userfaultfd", "vhangup", "vm86", "vm86old",
)


class _ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int),
                ("datum_a", ctypes.c_uint64), ("datum_b", ctypes.c_uint64)]


def _errno_action(code: int) -> int:
    return 0x00050000 | (code & 0xFFFF)


@cache
def _library():
    name = ctypes.util.find_library("seccomp") or "libseccomp.so.2"
    try:
        lib = ctypes.CDLL(name, use_errno=True)
    except OSError:
        return None
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_rule_add_array.restype = ctypes.c_int
    lib.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                           ctypes.c_uint, ctypes.POINTER(_ArgCmp)]
    lib.seccomp_export_bpf.restype = ctypes.c_int
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    return lib


def available() -> bool:
    return _library() is not None


def compile_filter(path: Path) -> bool:
    """Write the compiled BPF program to `path`; False where libseccomp is not available."""
    lib = _library()
    if lib is None:
        return False
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    if not ctx:
        return False
    try:
        def deny(name: str, code: int = errno.EPERM, *conditions: _ArgCmp) -> None:
            number = lib.seccomp_syscall_resolve_name(name.encode())
            if number < 0:  # not a system call on this architecture
                return
            array = (_ArgCmp * len(conditions))(*conditions) if conditions else None
            result = lib.seccomp_rule_add_array(ctx, _errno_action(code), number,
                                                len(conditions), array)
            if result < 0:
                raise OSError(-result, f"seccomp rule for {name}")

        for name in DENIED:
            deny(name)
        new_user = _ArgCmp(0, SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER)
        deny("unshare", errno.EPERM, new_user)
        deny("clone", errno.EPERM, new_user)  # on s390 the flags are argument 1: not covered
        deny("clone3", errno.ENOSYS)
        with open(path, "wb") as handle:
            result = lib.seccomp_export_bpf(ctx, handle.fileno())
        if result < 0:
            raise OSError(-result, "seccomp_export_bpf failed")
        return True
    finally:
        lib.seccomp_release(ctx)
