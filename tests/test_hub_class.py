"""A class on the course's JupyterHub, end to end, with real parts only: JupyterHub and
configurable-http-proxy on loopback, PAM logins of real Linux accounts (made here and
removed afterwards), one single-user server per account started by the hub, nbgrader's
exchange between them, the course's formgrader service and the project's autograder.

The instructor releases an assignment; two learners log in, get the course notebooks
through the nbgitpuller link, fetch the assignment in their own servers, work on it and
submit; the instructor collects, autogrades, releases feedback; each learner fetches
their own. Neither learner can reach the other's work. Wrong passwords, missing
assignments and late submissions get clear messages, and nothing is lost.

Learners act through their servers' REST APIs (contents, nbgrader's assignment list,
nbgitpuller), as JupyterLab does; commands that an account would type in its server's
terminal run as that account with `runuser`, in the same environment.
"""

import csv
import json
import secrets
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import autograder_demo as demo
import hub_parts
import nbformat
import pytest
import requests

pytestmark = [pytest.mark.hub, pytest.mark.slow, hub_parts.needs_root_on_linux()]

sys.path.insert(0, str(hub_parts.HUB_DEPLOY))
import demo_hub  # noqa: E402 - deploy/jupyterhub is not a package

# The hub's environment is built once per machine and kept (rebuilt when the course's
# packages change): building it is most of the first run's time.
PREFIX = Path("/var/cache/sociallearning-hub-tests")
COURSE = "team-course"
ASSIGNMENT = demo.NAME


def server_ready(hub, user: str, session) -> None:
    deadline = time.monotonic() + 150
    while time.monotonic() < deadline:
        model = session.get(f"{hub.api}/users/{user}").json()
        server = model.get("servers", {}).get("")
        if server and server.get("ready"):
            return
        time.sleep(0.3)
    raise AssertionError(f"{user}'s server did not start; hub log:\n{hub.log_tail()}")


class Person:
    """One account, logged in through the hub's login form, then holding its own token."""

    def __init__(self, hub, name: str, password: str):
        self.hub, self.name, self.password = hub, name, password
        self.browser = requests.Session()
        answer = login(hub, self.browser, name, password)
        assert answer.status_code == 302, f"{name} could not log in: {answer.status_code}"
        made = self.browser.post(
            f"{hub.api}/users/{name}/tokens", json={"note": "test", "expires_in": 3600},
            headers={"X-XSRFToken": self.browser.cookies.get("_xsrf", path="/hub/")})
        assert made.status_code == 201, made.text
        self.token = made.json()["token"]
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"token {self.token}"

    def start_server(self) -> None:
        started = self.api.post(f"{self.hub.api}/users/{self.name}/server")
        assert started.status_code in (201, 202), started.text
        server_ready(self.hub, self.name, self.api)

    @property
    def server(self) -> str:
        return f"{self.hub.url}/user/{self.name}"

    def assignments(self, action: str | None = None) -> dict:
        data = {"course_id": COURSE, "assignment_id": ASSIGNMENT}
        if action is None:
            answer = self.api.get(f"{self.server}/assignments", params={"course_id": COURSE})
        else:
            answer = self.api.post(f"{self.server}/assignments/{action}", data=data)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def read(self, path: str, **params) -> dict:
        answer = self.api.get(f"{self.server}/api/contents/{path}", params=params)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
        return answer.json()

    def save_notebook(self, path: str, notebook) -> None:
        answer = self.api.put(f"{self.server}/api/contents/{path}",
                              json={"type": "notebook", "format": "json", "content": notebook})
        assert answer.status_code in (200, 201), answer.text

    def terminal(self, *command: str, check: bool = False) -> subprocess.CompletedProcess:
        """A command in this account's server's environment (its own hub token)."""
        return demo_hub.run_as(self.name, self.hub.prefix, *command, check=check, env={
            "JUPYTERHUB_USER": self.name, "JUPYTERHUB_API_TOKEN": self.token,
            "JUPYTERHUB_API_URL": self.hub.api}, cwd=Path("/"))


def login(hub, session, name: str, password: str):
    session.get(f"{hub.url}/hub/login")
    return session.post(f"{hub.url}/hub/login", allow_redirects=False, data={
        "username": name, "password": password,
        "_xsrf": session.cookies.get("_xsrf", path="/hub/")})


@pytest.fixture(scope="module")
def hub():
    """The course's hub: accounts, a course with one assignment released, JupyterHub."""
    base = hub_parts.shared_tempdir("hub-class-")
    exchange = base / "exchange"
    demo_hub.install_environment(PREFIX, exchange)
    tag = secrets.token_hex(2)
    names = {role: f"{role}{tag}" for role in ("teacher", "alice", "bob", "grader")}
    passwords = {names[role]: secrets.token_urlsafe(12) for role in ("teacher", "alice", "bob")}
    homes = base / "home"
    homes.mkdir(mode=0o755)
    process = None
    try:  # the folder goes even when setting up fails
        with hub_parts.accounts({**passwords, names["grader"]: secrets.token_urlsafe(12)},
                                homes) as made:
            try:
                course_dir = homes / names["grader"] / COURSE
                exercises = demo.write_source(base / "exercises")
                demo_hub.create_course(PREFIX, COURSE, names["grader"], course_dir, exercises,
                                       [ASSIGNMENT], exchange=exchange)
                # The course's policy: work submitted after the due date gets no points.
                with (course_dir / "nbgrader_config.py").open("a") as config:
                    config.write("c.LateSubmissionPlugin.penalty_method = 'zero'\n")
                settings = base / "settings.json"
                port, hub_port, proxy_port, service_port = (hub_parts.free_port()
                                                            for _ in range(4))
                demo_hub.write_settings(settings, PREFIX, base / "state", port, hub_port,
                                        proxy_port, [{
                                            "id": COURSE, "grader": names["grader"],
                                            "directory": str(course_dir),
                                            "instructors": [names["teacher"]],
                                            "learners": [names["alice"], names["bob"]],
                                            "service_port": service_port}],
                                        admins=[names["teacher"]])
                log = (base / "hub.log").open("w")
                process = subprocess.Popen(demo_hub.hub_command(PREFIX), cwd=base,
                                           env=demo_hub.hub_environment(settings, PREFIX),
                                           stdout=log, stderr=subprocess.STDOUT)
                url = f"http://127.0.0.1:{port}"
                state = SimpleNamespace(
                    url=url, api=f"{url}/hub/api", prefix=PREFIX, exchange=exchange, base=base,
                    course_dir=course_dir, names=names, passwords=passwords, made=made,
                    log_tail=lambda: (base / "hub.log").read_text()[-4000:])
                demo_hub.wait_for_hub(url, process)
                yield state
            finally:
                if process is not None and process.poll() is None:
                    # JupyterHub stops the servers it started and its proxy on SIGTERM.
                    process.send_signal(signal.SIGTERM)
                    try:
                        process.wait(timeout=60)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
    finally:
        shutil.rmtree(base, ignore_errors=True)


def grader(hub, *command: str, check: bool = True) -> subprocess.CompletedProcess:
    """What the instructor types in the formgrader's terminal (the grader account)."""
    return demo_hub.run_as(hub.names["grader"], hub.prefix,
                           str(hub.prefix / "venv" / "bin" / "python"), "-m", *command,
                           cwd=hub.course_dir, check=check)


def marked_solution(release: dict, marker: str, answers=("count_posts", "top_name")):
    """The learner's work: the released notebook with answers filled in, signed."""
    notebook = demo.solve(nbformat.from_dict(release), answers=answers)
    for cell in notebook.cells:
        if demo.grade_id(cell) == "count_posts":
            cell.source = f"# work of {marker}\n" + cell.source
        if demo.grade_id(cell) == "reflection":
            cell.source = "Counting posts shows who speaks, not who helps."
    return notebook


def test_a_class_releases_submits_grades_and_returns_feedback(hub):
    teacher = Person(hub, hub.names["teacher"], hub.passwords[hub.names["teacher"]])
    alice = Person(hub, hub.names["alice"], hub.passwords[hub.names["alice"]])
    bob = Person(hub, hub.names["bob"], hub.passwords[hub.names["bob"]])
    learners = (alice, bob)
    for person in (teacher, *learners):
        person.start_server()

    # The instructor's formgrader service opens for the instructor only.
    deadline = time.monotonic() + 90
    while True:  # the hub starts its services without waiting for them to answer
        formgrader = teacher.browser.get(f"{hub.url}/services/{COURSE}/formgrader")
        if formgrader.status_code not in (502, 503) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert formgrader.status_code == 200, hub.log_tail()
    assert "formgrader" in formgrader.text.lower()
    refused = bob.browser.get(f"{hub.url}/services/{COURSE}/formgrader")
    assert refused.status_code == 403
    # Learners' own servers have no instructor tools either.
    for learner in learners:
        assert learner.api.get(f"{learner.server}/formgrader").status_code == 404

    # The notebooks come through the nbgitpuller link: course and data, no exercises.
    for learner in learners:
        pulled = learner.api.get(f"{learner.server}/git-pull/api", params={
            "repo": f"file://{hub.prefix / 'course-home'}", "branch": "main",
            "targetpath": demo_hub.CLASS_FOLDER}, timeout=120)
        assert '"phase": "finished"' in pulled.text, pulled.text[-2000:]
        folder = learner.read(demo_hub.CLASS_FOLDER)
        found = {item["name"] for item in folder["content"]}
        assert {"course", "data"} <= found and "exercises" not in found
        notebooks = {item["name"] for item in learner.read(
            f"{demo_hub.CLASS_FOLDER}/course")["content"]}
        assert "00_start_here.ipynb" in notebooks

    # Class mode: nothing a learner's server runs holds an exercise's checks or solutions.
    found = alice.terminal("find", *(str(hub.prefix / part) for part in
                                     ("venv", "course-home", "learner-config")),
                           "-name", "checks.py")
    assert found.returncode == 0 and found.stdout.strip() == ""
    assert alice.terminal("ls", str(hub.course_dir)).returncode != 0

    # Each learner sees the released assignment, fetches it, works on it, submits.
    path = f"{COURSE}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    for learner in learners:
        listed = learner.assignments()
        assert listed["success"], listed
        assert [(a["course_id"], a["assignment_id"], a["status"]) for a in listed["value"]] \
            == [(COURSE, ASSIGNMENT, "released")]
        learner.assignments("fetch")
        release = learner.read(path)["content"]
        # Class mode: the released copy holds no solution, no hidden test.
        assert demo.HIDDEN_TEXT not in json.dumps(release)
        assert "### BEGIN SOLUTION" not in json.dumps(release)
        answers = ("count_posts", "top_name") if learner is alice else ("count_posts",)
        learner.save_notebook(path, marked_solution(release, learner.name, answers))
        submitted = learner.assignments("submit")
        assert submitted["success"], submitted

    # Fetching again never overwrites work: nbgrader refuses, the work stays.
    alice.assignments("fetch")
    assert f"work of {alice.name}" in json.dumps(alice.read(path)["content"])

    # Late: the due date passes; bob submits once more, with everything done.
    time.sleep(1.5)  # the due date is in whole seconds: after every submission so far
    due = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    grader(hub, "nbgrader", "db", "assignment", "add", ASSIGNMENT, f"--duedate={due}")
    time.sleep(1.5)
    bob.save_notebook(path, marked_solution(bob.read(path)["content"], bob.name))
    assert bob.assignments("submit")["success"]

    # Neither learner can reach the other's work: the exchange does not list
    # submissions or feedback, and homes are private.
    inbound = hub.exchange / COURSE / "inbound"
    for intruder, victim in ((bob, alice), (alice, bob)):
        listing = intruder.terminal("ls", str(inbound))
        assert listing.returncode != 0 and "Permission denied" in listing.stderr
        home = Path(f"~{victim.name}").expanduser()
        for attempt in (("ls", str(home)), ("cat", str(home / path)),
                        ("cp", "/etc/hostname", str(home / path))):
            result = intruder.terminal(*attempt)
            assert result.returncode != 0 and "Permission denied" in result.stderr, attempt
    # A submission's folder name carries nbgrader's random string: it cannot be guessed.
    entries = sorted(p.name for p in inbound.iterdir())
    assert len(entries) == 3 and all(len(entry.split("+")) == 4 for entry in entries)
    # And even knowing the name, nobody else can change, rename or remove a submission.
    alices = next(inbound / entry for entry in entries if entry.startswith(f"{alice.name}+"))
    kept = {path.name: path.read_bytes() for path in alices.iterdir()}
    for attempt in (("touch", str(alices / "extra.txt")),
                    ("cp", "/etc/hostname", str(alices / f"{ASSIGNMENT}.ipynb")),
                    ("mv", str(alices), str(inbound / f"{bob.name}+{ASSIGNMENT}+taken")),
                    ("rm", "-rf", str(alices))):
        result = bob.terminal(*attempt)
        assert result.returncode != 0, attempt
        assert "Permission denied" in result.stderr or "not permitted" in result.stderr
    assert {path.name: path.read_bytes() for path in alices.iterdir()} == kept

    # The instructor collects and grades with the project's autograder.
    grader(hub, "nbgrader", "collect", ASSIGNMENT)
    graded = grader(hub, "autograder", "autograde", ASSIGNMENT, "--course", ".",
                    "--jobs", "2")
    report = {row["student_id"]: row for row in csv.DictReader(
        (hub.course_dir / "reports" / ASSIGNMENT / "autograde.csv").open())}
    assert set(report) == {alice.name, bob.name}, graded.stderr
    assert float(report[alice.name]["score"]) == demo.automatic_points(), report
    assert float(report[alice.name]["manual_pending"]) == demo.REFLECTION_POINTS
    # Bob's late work was graded in full and then given the course's late penalty.
    assert "late" in report[bob.name]["reason"], report[bob.name]
    assert float(report[bob.name]["score"]) == 0
    collected = hub.course_dir / "autograded" / bob.name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert "top_name" in collected.read_text()
    # Nothing lost: both of bob's submissions are still in the exchange.
    assert sum(entry.startswith(f"{bob.name}+") for entry in entries) == 2

    grader(hub, "nbgrader", "generate_feedback", ASSIGNMENT)
    grader(hub, "nbgrader", "release_feedback", ASSIGNMENT)

    # Each learner fetches their own feedback, and only their own.
    for learner in learners:
        other = bob if learner is alice else alice
        learner.assignments("fetch_feedback")
        feedback_root = f"{COURSE}/{ASSIGNMENT}/feedback"
        [stamp] = learner.read(feedback_root)["content"]
        [page] = [item for item in learner.read(stamp["path"])["content"]
                  if item["name"].endswith(".html")]
        text = learner.read(page["path"], format="text", type="file")["content"]
        assert f"work of {learner.name}" in text and f"work of {other.name}" not in text
        assert demo.HIDDEN_TEXT not in text
    feedback = hub.exchange / COURSE / "feedback"
    for intruder in learners:
        listing = intruder.terminal("ls", str(feedback))
        assert listing.returncode != 0 and "Permission denied" in listing.stderr


def test_a_wrong_password_is_refused_with_a_message_and_no_login(hub):
    name = hub.names["alice"]
    session = requests.Session()
    answer = login(hub, session, name, "not-" + hub.passwords[name])
    assert answer.status_code == 403
    assert "Invalid username or password" in answer.text
    assert not any(cookie.name.startswith("jupyterhub-hub-login") for cookie in session.cookies)
    assert session.get(f"{hub.api}/user").status_code == 403
    # An account that is not in the course cannot log in either, even with its password.
    answer = login(hub, requests.Session(), hub.names["grader"], "anything")
    assert answer.status_code == 403


def test_fetching_a_missing_assignment_says_so_and_changes_nothing(hub):
    bob = Person(hub, hub.names["bob"], hub.passwords[hub.names["bob"]])
    work = Path(f"~{bob.name}").expanduser() / COURSE

    def contents() -> dict:
        return {str(p.relative_to(work)): p.read_bytes() for p in work.rglob("*")
                if p.is_file()}

    before = contents()
    result = bob.terminal("nbgrader", "fetch_assignment", "04_missing", "--course", COURSE)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "Assignment not found" in message and "04_missing" in message
    assert "Traceback" not in message
    assert contents() == before
