"""`make hub`: the course's JupyterHub on this machine, on 127.0.0.1, ready to use.

Run as root. It builds the hub's environment (install-hub-env.sh), makes the accounts
(an instructor, two learners, with fresh passwords printed below, and the course's
grader account), creates the course with every exercise released through the exchange,
writes the hub's settings and runs JupyterHub in the foreground (Ctrl-C stops it). Run
again, it keeps the accounts, the course and its work, and sets new passwords.

    python deploy/jupyterhub/demo_hub.py [--port 8000] [--prefix /opt/sociallearning-hub]

The tests (tests/test_hub_*.py) and the benchmark reuse these steps.
"""

import argparse
import json
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
CONFIG = HERE / "jupyterhub_config.py"
CLASS_FOLDER = "social-learning-course"  # as in jupyterhub_config.py


def install_environment(prefix: Path, exchange: Path) -> None:
    subprocess.run(["bash", str(HERE / "install-hub-env.sh"), str(prefix), str(exchange)],
                   check=True)


def account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def make_account(name: str, password: str | None = None, home_base: Path | None = None,
                 system: bool = False) -> None:
    """A Linux account with a private home (mode 0700); a password when given."""
    if not account_exists(name):
        command = ["useradd", "--create-home", "--key", "HOME_MODE=0700",
                   "--shell", "/usr/sbin/nologin" if system else "/bin/bash"]
        if system:
            command.append("--system")
        if home_base is not None:
            command += ["--home-dir", str(home_base / name)]
        subprocess.run([*command, name], check=True)
    if password is not None:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def environment_of(user: str, prefix: Path, extra: dict | None = None) -> dict:
    """What a terminal in that account's server would have."""
    return {"PATH": f"{prefix / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": pwd.getpwnam(user).pw_dir, "USER": user, "LANG": "C.UTF-8",
            "SOCIALLEARNING_HOME": str(prefix / "course-home"), **(extra or {})}


def run_as(user: str, prefix: Path, *command: str, cwd: Path | None = None,
           env: dict | None = None, check: bool = True,
           timeout: int = 900) -> subprocess.CompletedProcess:
    """A command as that account (runuser), in its server's environment."""
    environment = environment_of(user, prefix, env)
    result = subprocess.run(
        ["runuser", "-u", user, "--", "env", "-i",
         *(f"{key}={value}" for key, value in environment.items()), *command],
        cwd=cwd, capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} as {user} failed:\n"
                           f"{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return result


def course_exchange(exchange: Path, course_id: str, grader: str) -> Path:
    """The course's folder in the exchange, made by root for the grader account: the
    exchange's root is root's alone (0755), so no learner can make a course's folder
    first (and with it, the inbound folder where everyone's submissions would go)."""
    folder = exchange / course_id
    entry = pwd.getpwnam(grader)
    folder.mkdir(mode=0o755, exist_ok=True)
    info = folder.lstat()
    if not folder.is_dir() or folder.is_symlink() or info.st_uid not in (0, entry.pw_uid):
        raise RuntimeError(f"{folder} was made by someone else (user id {info.st_uid}): "
                           "remove it, then run this again.")
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o755)
    return folder


def create_course(prefix: Path, course_id: str, grader: str, directory: Path,
                  source: Path, release: list[str], exchange: Path | None = None) -> None:
    """The course folder, owned by the grader account; `release` released to learners
    (through the course's folder in `exchange`, made here, when given)."""
    python = str(prefix / "venv" / "bin" / "python")
    if exchange is not None:
        course_exchange(exchange, course_id, grader)
    if not (directory / "nbgrader_config.py").is_file():
        # The exercises' source, copied where only the grader reads it.
        private = Path(pwd.getpwnam(grader).pw_dir) / "exercises-source"
        if private.exists():
            shutil.rmtree(private)
        shutil.copytree(source, private, ignore=shutil.ignore_patterns(
            ".ipynb_checkpoints", "__pycache__"))
        entry = pwd.getpwnam(grader)
        for folder, _, files in os.walk(private):
            os.chown(folder, entry.pw_uid, entry.pw_gid)
            for name in files:
                os.chown(os.path.join(folder, name), entry.pw_uid, entry.pw_gid)
        run_as(grader, prefix, python, "-m", "autograder", "init", str(directory),
               "--course-id", course_id, "--source", str(private))
    for name in release:
        run_as(grader, prefix, python, "-m", "nbgrader", "generate_assignment", name,
               "--force", cwd=directory)
        run_as(grader, prefix, python, "-m", "nbgrader", "release_assignment", name,
               "--force", cwd=directory)


def write_settings(path: Path, prefix: Path, state: Path, port: int, hub_port: int,
                   proxy_api_port: int, courses: list[dict], admins: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "prefix": str(prefix), "state": str(state), "ip": "127.0.0.1", "port": port,
        "hub_port": hub_port, "proxy_api_port": proxy_api_port, "admins": admins,
        "courses": courses}, indent=2) + "\n")
    path.chmod(0o600)


def hub_command(prefix: Path) -> list[str]:
    return [str(prefix / "venv" / "bin" / "jupyterhub"), "-f", str(CONFIG)]


def hub_environment(settings: Path, prefix: Path) -> dict:
    return {**os.environ, "SOCIALLEARNING_HUB_SETTINGS": str(settings),
            "PATH": f"{prefix / 'venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin"}


def wait_for_hub(url: str, process: subprocess.Popen | None = None,
                 timeout: float = 120) -> None:
    """Until the hub answers through the proxy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"JupyterHub stopped with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/hub/api/", timeout=5) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"JupyterHub did not answer at {url} within {timeout:.0f} s")


def nbgitpuller_link(hub_url: str, prefix: Path) -> str:
    """The link that gives a learner the course notebooks, in their own home."""
    query = urlencode({"repo": f"file://{prefix / 'course-home'}", "branch": "main",
                       "targetpath": CLASS_FOLDER,
                       "urlpath": f"lab/tree/{CLASS_FOLDER}/course/00_start_here.ipynb"})
    return f"{hub_url}/hub/user-redirect/git-pull?{query}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--prefix", type=Path, default=Path("/opt/sociallearning-hub"))
    parser.add_argument("--exchange", type=Path, default=Path("/srv/nbgrader/exchange"))
    parser.add_argument("--course-id", default="social-learning")
    parser.add_argument("--instructor", default="instructor")
    parser.add_argument("--learners", nargs="+", default=["learner1", "learner2"])
    parser.add_argument("--hub-port", type=int, default=8081, help="the hub's own API")
    parser.add_argument("--proxy-api-port", type=int, default=8001)
    parser.add_argument("--service-port", type=int, default=9901, help="the formgrader")
    parser.add_argument("--release", nargs="*", default=None,
                        help="exercises to release (default: all)")
    args = parser.parse_args(argv)
    # SIGTERM (a service manager, the benchmark) stops the hub and its servers too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if os.geteuid() != 0:
        print("`make hub` runs as root: it makes accounts and starts each one's server as "
              "that account. Try: sudo make hub", file=sys.stderr)
        return 2
    course_id = args.course_id
    grader = f"grader-{course_id}"
    people = {args.instructor: "formgrade", **{name: "nbgrader" for name in args.learners}}
    install_environment(args.prefix, args.exchange)
    passwords = {name: secrets.token_urlsafe(9) for name in people}
    for name, password in passwords.items():
        make_account(name, password)
    make_account(grader, system=True)
    directory = Path(pwd.getpwnam(grader).pw_dir) / course_id
    exercises = sorted(p.name for p in (REPO / "exercises" / "source").iterdir()
                       if (p / f"{p.name}.ipynb").is_file()) if args.release is None \
        else args.release
    print(f"Creating the course {course_id!r} and releasing {len(exercises)} exercise(s)...")
    create_course(args.prefix, course_id, grader, directory, REPO / "exercises" / "source",
                  exercises, exchange=args.exchange)
    settings = args.prefix / "settings.json"
    write_settings(settings, args.prefix, args.prefix / "state", args.port, args.hub_port,
                   args.proxy_api_port, [{
                       "id": course_id, "grader": grader, "directory": str(directory),
                       "instructors": [args.instructor], "learners": args.learners,
                       "service_port": args.service_port}], admins=[args.instructor])
    url = f"http://127.0.0.1:{args.port}"
    print(f"\nThe course's hub: {url}\n")
    for name, password in passwords.items():
        print(f"  {name:<11} password {password}   ({people[name]}-{course_id})")
    print(f"\nLearners get the notebooks with this link:\n  {nbgitpuller_link(url, args.prefix)}")
    print(f"The instructor's formgrader: {url}/services/{course_id}/\nCtrl-C stops the hub.\n",
          flush=True)
    hub = subprocess.Popen(hub_command(args.prefix),
                           env=hub_environment(settings, args.prefix), cwd=args.prefix)
    try:
        return hub.wait()
    except KeyboardInterrupt:
        hub.terminate()
        return hub.wait(timeout=60)
    finally:
        if hub.poll() is None:  # stopped from outside (SIGTERM): stop the hub too
            hub.terminate()
            hub.wait(timeout=60)


if __name__ == "__main__":
    sys.exit(main())
