"""`make lab`: prepare the learner's my-work/ folder, then open the course in JupyterLab."""

import os
import sys
from pathlib import Path

from sociallearning.paths import course_home

FIRST_MODULE = Path("course") / "00_start_here.ipynb"
# The learner's Lab settings: no news prompt, no instructor tools (see its README).
LEARNER_CONFIG = Path("deploy") / "learner-lab"


def learner_environment(home: Path, environ: dict) -> dict:
    """The environment for the learner's Lab: the course's settings first on the path."""
    extra = str(home / LEARNER_CONFIG)
    existing = environ.get("JUPYTER_CONFIG_PATH")
    return {**environ,
            "JUPYTER_CONFIG_PATH": os.pathsep.join([extra, existing]) if existing else extra}


def lab_command(home: Path, *, as_root: bool, has_display: bool, port: int | None = None,
                ip: str | None = None) -> list[str]:
    """The jupyter lab command line: opens the first module, or course/ until it exists."""
    start = FIRST_MODULE if (home / FIRST_MODULE).exists() else Path("course")
    command = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={home}"]
    if port:
        command.append(f"--ServerApp.port={port}")
    if ip:
        command.append(f"--ServerApp.ip={ip}")
    if not has_display:
        # Headless machine: don't try to open a browser; jupyter prints the URL instead.
        command.append("--no-browser")
    if as_root:
        command.append("--allow-root")
    command.append(str(start))
    return command


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(prog="make lab", description=__doc__)
    parser.add_argument("--port", type=int, default=None, help="port (default: 8888 or next free)")
    parser.add_argument("--ip", default=None, help="address to listen on (default: localhost)")
    args = parser.parse_args(argv)
    home = course_home()
    from sociallearning import workspace

    workspace.main(["prepare"])
    has_display = bool(os.environ.get("DISPLAY") or sys.platform in ("darwin", "win32"))
    as_root = hasattr(os, "geteuid") and os.geteuid() == 0
    command = lab_command(home, as_root=as_root, has_display=has_display, port=args.port,
                          ip=args.ip)
    print("Opening the course:", " ".join(command[2:]), flush=True)
    os.chdir(home)
    os.execve(command[0], command, learner_environment(home, dict(os.environ)))


if __name__ == "__main__":
    main()
