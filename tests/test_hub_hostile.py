"""A learner who tries to cheat, on the course's JupyterHub (real hub, real accounts).

Alice has her own account and server. With what any learner has (a terminal as herself,
her server's own hub token), she tries to read bob's work or the answers, to pass her
work off as bob's, to make the instructor's collect copy the instructor's own files to
her, to jam the collection or the instructor's list, to date late work as on time, to
make a course's folder in the exchange first, to reach the gradebook, to run script in
the instructor's formgrader, and to use her token beyond her own server. Every attempt
must fail; the ones nbgrader's own exchange lets through are closed by
autograder/exchange.py (OwnerCheckedCollect, RootOwnedList, RootOwnedExchange), set in
deploy/jupyterhub/nbgrader_config.py.
"""

import json
import shutil
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import autograder_demo as demo
import hub_parts
import pytest
import requests
import test_hub_class as hub_class
from test_hub_class import ASSIGNMENT, COURSE, Person, grader, marked_solution

pytestmark = [pytest.mark.hub, pytest.mark.slow, hub_parts.needs_root_on_linux()]

NOTEBOOK = f"{ASSIGNMENT}.ipynb"
STAMP = "%Y-%m-%d %H:%M:%S.%f UTC"
# The class's hub (test_hub_class.py): a course with one assignment released.
hub = hub_class.hub


@pytest.fixture(scope="module")
def people(hub):
    """Alice and bob, logged in, servers running, each with a submitted assignment."""
    alice = Person(hub, hub.names["alice"], hub.passwords[hub.names["alice"]])
    bob = Person(hub, hub.names["bob"], hub.passwords[hub.names["bob"]])
    path = f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    for learner in (alice, bob):
        learner.start_server()
        learner.assignments("fetch")
        learner.save_notebook(path, marked_solution(learner.read(path)["content"],
                                                    learner.name))
        assert learner.assignments("submit")["success"]
    return alice, bob


def as_alice(alice, script: str):
    return alice.terminal("bash", "-c", script)


def collected(hub, learner) -> Path:
    return hub.course_dir / "submitted" / learner.name / ASSIGNMENT


def fresh_collect(hub, planted: list[Path]):
    """The instructor collects from scratch; what alice planted is removed afterwards."""
    shutil.rmtree(hub.course_dir / "submitted", ignore_errors=True)
    try:
        return grader(hub, "nbgrader", "collect", ASSIGNMENT, check=False)
    finally:
        for path in planted:
            if path.is_symlink() or path.is_file():
                path.unlink()
            elif path.exists():
                shutil.rmtree(path)


def own_server_token(alice) -> str:
    """What alice's server holds: she reads it from her own server's environment."""
    found = as_alice(alice, "cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' "
                            "| sed -n 's/^JUPYTERHUB_API_TOKEN=//p' | sort -u")
    # (Her terminal here holds the token she logged in with; the server's is the other.)
    tokens = set(found.stdout.split()) - {alice.token}
    assert len(tokens) == 1, found
    return tokens.pop()


def test_a_learners_server_token_opens_her_own_server_only(hub, people):
    alice, bob = people
    token = own_server_token(alice)
    assert token != alice.token
    session = requests.Session()
    session.headers["Authorization"] = f"token {token}"
    # The token is real: it names her and opens her own server.
    assert session.get(f"{hub.api}/user").json()["name"] == alice.name
    assert session.get(f"{alice.server}/api/contents/{COURSE}").status_code == 200
    course = next(c for c in json.loads(
        (hub.base / "settings.json").read_text())["courses"] if c["id"] == COURSE)
    attempts = {
        "list every user": ("get", f"{hub.api}/users"),
        "read bob's account": ("get", f"{hub.api}/users/{bob.name}"),
        "stop bob's server": ("delete", f"{hub.api}/users/{bob.name}/server"),
        "make herself a new token": ("post", f"{hub.api}/users/{alice.name}/tokens"),
        "make an admin account": ("post", f"{hub.api}/users/intruder"),
        "make herself admin": ("patch", f"{hub.api}/users/{alice.name}"),
        "list groups": ("get", f"{hub.api}/groups"),
        "join the instructors' group": (
            "post", f"{hub.api}/groups/formgrade-{COURSE}/users"),
        "read the proxy's routes": ("get", f"{hub.api}/proxy"),
        "list services": ("get", f"{hub.api}/services"),
        "read bob's files": ("get", f"{bob.server}/api/contents/{COURSE}"),
        "open the formgrader": ("get", f"{hub.url}/services/{COURSE}/formgrader"),
        "ask the formgrader for grades": (
            "get", f"{hub.url}/services/{COURSE}/formgrader/api/assignments"),
        "reach the formgrader's port directly": (
            "get", f"http://127.0.0.1:{course['service_port']}/services/{COURSE}"
                   "/formgrader/api/assignments"),
    }
    body = {"usernames": [alice.name], "admin": True}
    for what, (method, url) in attempts.items():
        answer = session.request(method, url, json=body, allow_redirects=False, timeout=30)
        assert answer.status_code in (302, 403, 404), (what, answer.status_code,
                                                      answer.text[:300])
        if answer.status_code == 302:  # to the hub's login, never into the service
            assert "/hub/" in answer.headers["Location"], (what, answer.headers)
    # Bob's server's token is in its environment, which only bob can read; no process
    # shows a token on its command line.
    bobs_server = next(entry for entry in Path("/proc").iterdir() if entry.name.isdigit()
                       and entry.stat().st_uid == hub_parts.pwd.getpwnam(bob.name).pw_uid
                       and b"JUPYTERHUB_API_TOKEN=" in (entry / "environ").read_bytes())
    bobs_token = next(line.split(b"=", 1)[1].decode() for line in
                      (bobs_server / "environ").read_bytes().split(b"\0")
                      if line.startswith(b"JUPYTERHUB_API_TOKEN="))
    result = as_alice(alice, f"cat {bobs_server}/environ")
    assert result.returncode != 0 and "Permission denied" in result.stderr
    result = as_alice(alice, "ps -eo args")
    assert result.returncode == 0 and bobs_token not in result.stdout
    assert token not in result.stdout
    # Nothing changed: bob's server still runs, no account or token was made.
    assert bob.api.get(f"{hub.api}/users/{bob.name}").json()["servers"][""]["ready"]
    assert not hub_parts.account_exists("intruder")


def test_the_answers_and_bobs_work_are_out_of_a_learners_reach(hub, people):
    alice, bob = people
    exchange = hub.exchange / COURSE
    gradebook = hub.course_dir / "gradebook.db"
    assert gradebook.is_file()
    places = [gradebook, hub.course_dir / "source" / ASSIGNMENT / NOTEBOOK,
              hub.course_dir / "nbgrader_config.py", hub.base / "state" / "jupyterhub.sqlite",
              hub.base / "state" / "jupyterhub_cookie_secret", hub.base / "settings.json",
              Path(f"~{bob.name}").expanduser() / COURSE / ASSIGNMENT / NOTEBOOK]
    for place in places:
        assert place.exists(), place
        result = as_alice(alice, f"cat '{place}'")
        assert result.returncode != 0 and "Permission denied" in result.stderr, place
    # (The feedback folder is made when the instructor first returns feedback; the class
    # test shows learners cannot list it either.)
    for folder in (exchange / "inbound", hub.course_dir):
        result = as_alice(alice, f"ls -a '{folder}'")
        assert result.returncode != 0 and "Permission denied" in result.stderr, folder
    # Nothing the hub gives learners holds a check, a solution or a hidden case.
    for root in (str(hub.prefix), str(hub.exchange)):
        found = as_alice(alice, f"grep -rlsF '{demo.HIDDEN_TEXT}' '{root}'; "
                                f"find '{root}' -name checks.py 2>/dev/null")
        assert found.stdout.strip() == "", (root, found.stdout)
    # No folder can be pre-made where the instructor will write: feedback, outbound, or a
    # course not released yet (whose inbound folder she would then own).
    assert hub.exchange.stat().st_uid == 0 and hub.exchange.stat().st_mode & 0o777 == 0o755
    for folder in (exchange / "feedback", exchange / "outbound" / "planted",
                   exchange / "outbound" / ASSIGNMENT / "planted", exchange / "planted",
                   hub.exchange / "next-course"):
        result = as_alice(alice, f"mkdir '{folder}'")
        assert result.returncode != 0 and "Permission denied" in result.stderr, folder
    # A hard link to the instructor's released file (to pass it off as hers) is refused by
    # the kernel (fs.protected_hardlinks).
    released = exchange / "outbound" / ASSIGNMENT / NOTEBOOK
    result = as_alice(alice, f"mkdir -p ~/hl && ln '{released}' ~/hl/{NOTEBOOK}")
    assert result.returncode != 0 and "not permitted" in result.stderr


def test_a_folder_named_after_bob_or_a_link_is_never_collected(hub, people):
    alice, bob = people
    inbound = hub.exchange / COURSE / "inbound"
    source = hub.course_dir / "source" / ASSIGNMENT
    assert (source / NOTEBOOK).is_file()
    later = (datetime.now(UTC) + timedelta(days=3650)).strftime(STAMP)
    forged = inbound / f"{bob.name}+{ASSIGNMENT}+{later}+forged"
    link = inbound / f"{alice.name}+{ASSIGNMENT}+{later}+link"
    # A name that would send the copy out of the submitted folder, into the course folder.
    dots = inbound / f"..+{ASSIGNMENT}+{later}+dots"
    mine = Path(f"~{alice.name}").expanduser() / COURSE / ASSIGNMENT / NOTEBOOK
    planted = as_alice(alice, f"""set -e
        mkdir '{forged}'; cp '{mine}' '{forged}/{NOTEBOOK}'
        echo '{later}' > '{forged}/timestamp.txt'
        ln -s '{source}' '{link}'
        mkdir '{dots}'; cp '{mine}' '{dots}/{NOTEBOOK}'""")
    assert planted.returncode == 0, planted.stderr
    done = fresh_collect(hub, [forged, link, dots])
    assert done.returncode == 0, done.stderr
    bobs = (collected(hub, bob) / NOTEBOOK).read_text()
    assert f"work of {bob.name}" in bobs and f"work of {alice.name}" not in bobs
    alices = (collected(hub, alice) / NOTEBOOK).read_text()
    assert f"work of {alice.name}" in alices
    # (Her own answers came from the solution: only the hidden checks tell them apart.)
    assert demo.HIDDEN_TEXT not in alices
    assert "Not collected" in done.stderr
    assert not (hub.course_dir / ASSIGNMENT).exists()


def test_links_pipes_and_huge_files_in_a_submission_are_not_collected(hub, people):
    alice, bob = people
    inbound = hub.exchange / COURSE / "inbound"
    source = hub.course_dir / "source" / ASSIGNMENT
    later = (datetime.now(UTC) + timedelta(days=3650)).strftime(STAMP)
    tricks = inbound / f"{alice.name}+{ASSIGNMENT}+{later}+tricks"
    planted = as_alice(alice, f"""set -e
        mkdir '{tricks}'; echo '{later}' > '{tricks}/timestamp.txt'
        ln -s '{source}/{NOTEBOOK}' '{tricks}/{NOTEBOOK}'
        ln -s '{source}' '{tricks}/answers'
        mkfifo '{tricks}/a-pipe.ipynb'
        truncate -s 200M '{tricks}/huge.ipynb'""")
    assert planted.returncode == 0, planted.stderr
    done = fresh_collect(hub, [tricks])
    # The collection finishes, for everyone: a pipe does not stop or hang it.
    assert done.returncode == 0, done.stderr
    assert f"work of {bob.name}" in (collected(hub, bob) / NOTEBOOK).read_text()
    mine = collected(hub, alice)
    names = {path.name for path in mine.iterdir()}
    assert names == {"timestamp.txt"}, names
    for path in mine.rglob("*"):
        assert not path.is_symlink()
        if path.is_file():
            text = path.read_text(errors="replace")
            assert demo.HIDDEN_TEXT not in text


def collected_stamp(hub, learner) -> datetime:
    text = (collected(hub, learner) / "timestamp.txt").read_text().strip()
    return datetime.strptime(text, STAMP).replace(tzinfo=UTC)


def test_back_dated_work_is_dated_by_when_it_was_made(hub, people):
    alice, bob = people
    inbound = hub.exchange / COURSE / "inbound"
    [real] = [p for p in inbound.iterdir() if p.name.startswith(f"{alice.name}+")]
    now = datetime.now(UTC)
    due = now - timedelta(hours=1)
    grader(hub, "nbgrader", "db", "assignment", "add", ASSIGNMENT,
           f"--duedate={due.strftime('%Y-%m-%d %H:%M:%S UTC')}")
    early = (now - timedelta(days=1)).strftime(STAMP)
    mine = Path(f"~{alice.name}").expanduser() / COURSE / ASSIGNMENT / NOTEBOOK
    # Today's work, in a folder named as if it were submitted yesterday.
    backdated = inbound / f"{alice.name}+{ASSIGNMENT}+{early}+backdated"
    planted = as_alice(alice, f"""set -e
        mkdir '{backdated}'; cp '{mine}' '{backdated}/{NOTEBOOK}'
        echo '{early}' > '{backdated}/timestamp.txt'
        touch -d '{early}' '{backdated}/{NOTEBOOK}' '{backdated}/timestamp.txt' '{backdated}'""")
    assert planted.returncode == 0, planted.stderr
    done = fresh_collect(hub, [backdated])
    assert done.returncode == 0, done.stderr
    assert collected_stamp(hub, alice) > due
    # Her real (late) submission, its timestamp.txt rewritten to yesterday.
    edited = as_alice(alice, f"echo '{early}' > '{real}/timestamp.txt'")
    assert edited.returncode == 0, edited.stderr
    done = fresh_collect(hub, [])
    assert done.returncode == 0, done.stderr
    assert collected_stamp(hub, alice) > due


def test_the_gradebook_database_refuses_a_learner(hub, people):
    """A course's PostgreSQL gradebook (gradebook-postgres.sh): a learner on the same
    machine can neither log in over TCP nor reach its socket or password."""
    alice, _ = people
    postgres = hub_parts.Postgres()
    try:
        url = postgres.create_database("hostile")
        python = str(hub.prefix / "venv" / "bin" / "python")
        for user in ("gradebook", "postgres", alice.name):
            for host in ("127.0.0.1", str(postgres.data)):
                tried = alice.terminal(python, "-c", (
                    "import psycopg\n"
                    f"psycopg.connect(host={host!r}, port={postgres.port}, user={user!r}, "
                    "dbname='hostile', password='', connect_timeout=10)"))
                assert tried.returncode != 0, (user, host)
                message = tried.stderr
                assert ("password" in message or "Permission denied" in message
                        or "No such file" in message), (user, host, message[-500:])
        for place in (postgres.data / "gradebook-password", postgres.data / "server.log"):
            result = as_alice(alice, f"cat '{place}'")
            assert result.returncode != 0 and "Permission denied" in result.stderr, place
        # The control: with the URL (kept in the graders' configuration), it opens.
        done = hub_parts.subprocess.run(
            [python, "-c", f"import psycopg; psycopg.connect({url.replace('+psycopg', '')!r})"],
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    finally:
        postgres.stop()


SCRIPT = "<script>window.stolenByLearner = document.cookie</script>"
HANDLER = '<img src="x" onerror="window.stolenByLearner = 1">'


def test_a_learners_html_does_not_run_in_the_instructors_formgrader(hub, people):
    """The formgrader shows each submission inside the hub's origin, as the instructor:
    script in a learner's notebook would act as the instructor there. It is shown as
    text."""
    alice, _ = people
    teacher = Person(hub, hub.names["teacher"], hub.passwords[hub.names["teacher"]])
    path = f"{COURSE}/{ASSIGNMENT}/{NOTEBOOK}"
    notebook = marked_solution(alice.read(path)["content"], alice.name)
    for cell in notebook.cells:
        if demo.grade_id(cell) == "reflection":
            cell.source += f"\n\n{SCRIPT}\n\n{HANDLER}\n"
    alice.save_notebook(path, notebook)
    assert alice.assignments("submit")["success"]
    done = fresh_collect(hub, [])
    assert done.returncode == 0, done.stderr
    grader(hub, "autograder", "autograde", ASSIGNMENT, "--course", ".", "--jobs", "2")
    formgrader = f"{hub.url}/services/{COURSE}/formgrader"
    deadline = time.monotonic() + 90
    while True:  # the hub starts its services without waiting for them to answer
        opened = teacher.browser.get(formgrader)
        if opened.status_code not in (502, 503) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert opened.status_code == 200, opened.status_code
    listed = teacher.browser.get(
        f"{formgrader}/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    assert listed.status_code == 200, listed.text[:300]
    [submission] = [item for item in listed.json() if item["student"] == alice.name]
    page = teacher.browser.get(f"{formgrader}/submissions/{submission['id']}/")
    assert page.status_code == 200, page.text[:300]
    assert f"work of {alice.name}" in page.text  # her work is shown...
    # ...as text: neither her script nor her event handler is live markup.
    assert "stolenByLearner" in page.text
    assert SCRIPT not in page.text and HANDLER not in page.text
    assert "<script>window.stolen" not in page.text and 'onerror="window' not in \
        page.text.replace('&lt;img src="x" onerror="window', "")


def test_a_pipe_in_a_submission_does_not_hang_the_instructors_list(hub, people):
    alice, bob = people
    inbound = hub.exchange / COURSE / "inbound"
    later = (datetime.now(UTC) + timedelta(days=3650)).strftime(STAMP)
    pipe = inbound / f"{alice.name}+{ASSIGNMENT}+{later}+pipe"
    planted = as_alice(alice, f"mkdir '{pipe}' && mkfifo '{pipe}/{NOTEBOOK}'")
    assert planted.returncode == 0, planted.stderr
    try:
        python = str(hub.prefix / "venv" / "bin" / "python")
        listed = hub_class.demo_hub.run_as(
            hub.names["grader"], hub.prefix, "timeout", "60", python, "-m", "nbgrader",
            "list", "--inbound", "--Authenticator.plugin_class=nbgrader.auth.NoAuthPlugin",
            cwd=hub.course_dir, check=False)
    finally:
        shutil.rmtree(pipe)
    assert listed.returncode == 0, listed.stderr[-2000:]
    output = listed.stdout + listed.stderr
    # Everyone's real submissions are still listed.
    assert bob.name in output and alice.name in output, output[-2000:]
