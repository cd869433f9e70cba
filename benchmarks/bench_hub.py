"""Time from `make hub` to three logged-in users with running servers.

Runs what `make hub` runs (deploy/jupyterhub/demo_hub.py) with accounts of its own (an
instructor and two learners, removed afterwards), reads the passwords it prints, then
logs the three in through the hub's login form and starts their servers together,
waiting until each answers. Times each stage from the start of the command. The hub's
Python environment is built the first time only (in the tests' cache folder, shared
with tests/test_hub_class.py); --fresh builds it again and times that too. Run as root.

    python benchmarks/bench_hub.py [--fresh]
"""

import argparse
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "deploy" / "jupyterhub" / "demo_hub.py"
PREFIX = Path("/var/cache/sociallearning-hub-tests")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def log_in_and_start(url: str, name: str, password: str) -> None:
    session = requests.Session()
    session.get(f"{url}/hub/login")
    answer = session.post(f"{url}/hub/login", allow_redirects=False, data={
        "username": name, "password": password,
        "_xsrf": session.cookies.get("_xsrf", path="/hub/")})
    if answer.status_code != 302:
        raise SystemExit(f"{name} could not log in ({answer.status_code})")
    xsrf = {"X-XSRFToken": session.cookies.get("_xsrf", path="/hub/")}
    started = session.post(f"{url}/hub/api/users/{name}/server", headers=xsrf)
    if started.status_code not in (201, 202):
        raise SystemExit(f"{name}'s server did not start: {started.text}")
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        model = session.get(f"{url}/hub/api/users/{name}").json()
        if model.get("servers", {}).get("", {}).get("ready"):
            # Ready for the hub; and JupyterLab opens through the proxy (after the
            # browser's OAuth round with the hub, as a person's browser does).
            if session.get(f"{url}/user/{name}/lab").status_code == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"{name}'s server was not ready within 300 s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true",
                        help="build the hub's Python environment again first")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_hub: skipped (needs root: it makes accounts and starts their servers)")
        return
    if args.fresh:
        shutil.rmtree(PREFIX / "venv", ignore_errors=True)
    tag = secrets.token_hex(2)
    course = f"bench{tag}"
    people = [f"benchi{tag}", f"bencha{tag}", f"benchb{tag}"]
    exchange = Path(tempfile.mkdtemp(prefix="bench-hub-exchange-", dir="/var/tmp"))
    port = free_port()
    command = [sys.executable, str(DEMO), "--prefix", str(PREFIX), "--exchange",
               str(exchange), "--port", str(port), "--hub-port", str(free_port()),
               "--proxy-api-port", str(free_port()), "--service-port", str(free_port()),
               "--course-id", course, "--instructor", people[0], "--learners", *people[1:]]
    started = time.perf_counter()
    marks, passwords = {}, {}
    hub = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True)
    try:
        for line in hub.stdout:
            now = time.perf_counter() - started
            if line.startswith("Hub environment ready"):
                marks["hub environment checked (or built)"] = now
            found = re.match(r"\s+(\S+)\s+password (\S+)", line)
            if found:
                passwords[found[1]] = found[2]
            if line.startswith("The instructor's formgrader"):
                marks["accounts and course ready, hub starting"] = now
                break
        if set(passwords) != set(people):
            raise SystemExit(f"make hub did not print the passwords: {passwords}")
        threading.Thread(target=lambda: [None for _ in hub.stdout], daemon=True).start()
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if requests.get(f"{url}/hub/api/", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if hub.poll() is not None:
                raise SystemExit("the hub stopped")
            time.sleep(0.2)
        marks["hub answering"] = time.perf_counter() - started
        failures = []

        def person(name: str) -> None:
            try:
                log_in_and_start(url, name, passwords[name])
            except BaseException as error:  # noqa: BLE001 - said below
                failures.append(f"{name}: {error}")

        threads = [threading.Thread(target=person, args=(name,)) for name in people]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if failures:
            raise SystemExit("; ".join(failures))
        marks["three users logged in, servers running"] = time.perf_counter() - started
    finally:
        hub.send_signal(signal.SIGTERM)
        try:
            hub.wait(timeout=90)
        except subprocess.TimeoutExpired:
            hub.kill()
        for name in [*people, f"grader-{course}"]:
            subprocess.run(["userdel", "--remove", name], capture_output=True)
        shutil.rmtree(exchange, ignore_errors=True)
    print(f"{os.cpu_count()} cores; from `make hub` (demo_hub.py) on:")
    previous = 0.0
    for what, seconds in marks.items():
        print(f"  {seconds:6.1f} s  (+{seconds - previous:5.1f})  {what}")
        previous = seconds
    total = marks["three users logged in, servers running"]
    hub_start = marks["hub answering"] - marks["accounts and course ready, hub starting"]
    servers = total - marks["hub answering"]
    print(f"three users with running servers {total:.1f} s after the command; the hub's own "
          f"start {hub_start:.1f} s; three logins and servers {servers:.1f} s "
          f"({servers / max(hub_start, 0.01):.2f}x the hub's start)")

if __name__ == "__main__":
    main()
