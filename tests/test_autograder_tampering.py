"""Submissions that tamper, break or attack the grader, graded in one parallel batch.

Each ends `graded` with only the points its honest answers earn, or `failed` with a
reason, and every other submission in the batch is still graded. Expected points come
from the demo exercise's cell points (autograder_demo.TESTS)."""

import copy
import csv
import json
import os
import secrets
import socket
import threading
from pathlib import Path

import autograder_demo as demo
import nbformat
import pytest

from autograder import sandbox

pytestmark = pytest.mark.slow

MEMORY_PER_PROCESS = any("memory" in cap for cap in sandbox.sandbox_mode().per_process_only())
COUNT, TOP = demo.TESTS["test_count_posts"][1], demo.TESTS["test_top_name"][1]
ALL = COUNT + TOP
MAX = ALL + demo.REFLECTION_POINTS

HOOKS_EXC = """\
import sys
get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)
sys.excepthook = lambda *args: None"""
HOOKS_TRANSFORM = """\
import ast
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
class Silence(ast.NodeTransformer):
    def visit_Call(self, node):
        return ast.Constant(None)
get_ipython().ast_transformers.append(Silence())"""
# Families that beat the in-kernel guard of earlier versions (each took full marks there):
# forging its pass marker from the signing state found through the garbage collector and
# printed after every cell by an IPython event; rebinding the check helpers' code objects;
# patching IPython's own methods.
FORGE = """\
import gc, hmac
KEYS = ["demo_counts/test_count_posts", "demo_counts/test_top_name"]
def _forge(*args):
    for obj in gc.get_objects():
        if isinstance(obj, hmac.HMAC):
            for key in KEYS:
                digest = obj.copy()
                digest.update(key.encode())
                print("autograder-pass", key, digest.hexdigest())
get_ipython().events.register("post_run_cell", _forge)"""
REBIND = """\
from sociallearning import feedback
def _nothing(*args, **kwargs):
    return None
for name in ("expect", "expect_same_values", "expect_same_frame", "expect_type"):
    getattr(feedback, name).__code__ = _nothing.__code__
shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell.events.register("post_run_cell", lambda result: print("autograder-pass all tests"))"""
FLOOD = """\
import sys
for number in range(100_000):
    print(number)
sys.stdout.write("y" * 20_000_000)
sys.stdout.flush()"""
# The result file says what the kernel likes; here a few bytes of "sample data" recipe
# each, which the grader must never expand (once ~1 MB of memory per 19 bytes).
RECIPE_BOMB = """\
import sociallearning.graded_call as graded
BOMB = '{"returned":{"list":[' + ",".join(['{"sample":"posts"}'] * 20000) + ']}}'
def forged(name, request_path, result_path):
    with open(result_path, "w") as handle:
        handle.write(BOMB)
graded.call = forged"""
# After the hidden checks ran: the files that carried their inputs are gone.
LISTS_CALLS = """\
import glob, os
print("calls:", sorted(os.listdir("calls")))
for path in sorted(glob.glob("calls/*")):
    print(path, open(path).read()[:300])"""
HISTORY = """\
print(In, _ih, Out)
print(list(get_ipython().history_manager.get_range(output=False)))"""


def reads_reference_code(targets: dict) -> str:
    """Answers right only if the student can read the course's checks or import answers."""
    return f"""\
found = []
try:
    found.append(open({targets['checks']!r}).read())
except OSError:
    pass
try:
    import sociallearning.checks
    found.append('imported')
except ImportError:
    pass
def count_posts(names):
    if not found:
        raise NotImplementedError()
    counts = {{}}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts
def top_name(names):
    if not found:
        raise NotImplementedError()
    counts = count_posts(names)
    return sorted(counts, key=lambda name: (-counts[name], name))[0]"""
PATCHED = """\
import builtins, sys, types
from sociallearning import feedback
feedback.expect = lambda *args, **kwargs: None
fake = types.ModuleType("sociallearning.feedback")
fake.expect = lambda *args, **kwargs: None
sys.modules["sociallearning.feedback"] = fake
builtins.type = lambda value: str"""
ANYTHING = {
    "count_posts": """\
class Anything:
    def __eq__(self, other):
        return True
def count_posts(names):
    return Anything()""",
    "top_name": """\
from unittest import mock
def top_name(names):
    return mock.ANY""",
}
WARNS = {"count_posts": demo.SOLUTIONS["count_posts"].replace(
    "    counts = {}", "    import sys\n    print('DeprecationWarning: demo', file=sys.stderr)\n"
                      "    counts = {}")}
KILL = "import os\nos._exit(1)"
LOOP = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
BOMBS = """\
try:
    hog = bytearray(16 * 1024 ** 3)
except MemoryError:
    pass
print("x" * 3_000_000)"""


def escape_code(targets: dict) -> str:
    """Student code whose answers are right only if some escape from the sandbox works."""
    return f"""\
import os, socket, subprocess
escaped = []
for path in {[targets['source'], targets['gradebook'], targets['other']]!r}:
    try:
        open(path, 'rb').read(10)
        escaped.append('read ' + path)
    except OSError:
        pass
for path in {[targets['write_course'], targets['write_tmp']]!r}:
    try:
        open(path, 'w').write('x')
        escaped.append('wrote ' + path)
    except OSError:
        pass
try:
    socket.create_connection(('127.0.0.1', {targets['port']}), timeout=2).close()
    escaped.append('network')
except OSError:
    pass
started = []
try:
    for _ in range(150):
        started.append(subprocess.Popen(['sleep', '30']))
    escaped.append('processes')
except OSError:
    pass
subprocess.Popen(['sleep', '{targets['linger']}'], start_new_session=True)
def count_posts(names):
    if not escaped:
        return None
    counts = {{}}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return counts
def top_name(names):
    return sorted(names)[0] if escaped else None"""


def build_submissions(course: Path, targets: dict) -> dict[str, tuple]:
    """student -> (files, expected status, expected score, words expected in the reason)."""
    release = nbformat.read(course / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    solved = demo.solve(release)
    nb = f"{demo.NAME}.ipynb"

    edited = copy.deepcopy(release)
    for cell in edited.cells:
        if (demo.grade_id(cell) or "").startswith("test_"):
            cell.source = "pass"

    deleted = copy.deepcopy(solved)
    deleted.cells = [c for c in deleted.cells if not (demo.grade_id(c) or "").startswith("test_")]

    duplicated = copy.deepcopy(release)
    copies = []
    for cell in release.cells:
        if (demo.grade_id(cell) or "").startswith("test_"):
            twin = copy.deepcopy(cell)
            twin.metadata.nbgrader.update(points=99, schema_version=1)
            twin.source = "pass"
            copies.append(twin)
    duplicated.cells = copies + duplicated.cells[::-1]  # duplicated, and moved around

    faked = copy.deepcopy(release)
    for cell in faked.cells:
        if (demo.grade_id(cell) or "").startswith("test_"):
            test_key = f"{demo.NAME}/{demo.grade_id(cell)}"
            cell.execution_count = 3
            cell.outputs = [nbformat.v4.new_output(
                "stream", name="stdout", text=f"passed\nautograder-pass {test_key} {'0' * 64}\n")]

    schema = copy.deepcopy(solved)
    schema.metadata["kernelspec"] = {"name": "evil", "display_name": "Evil", "language": "sh"}
    schema.nbformat_minor = 2
    for cell in schema.cells:
        if "nbgrader" in cell.metadata:
            cell.metadata.nbgrader["schema_version"] = 1

    def after_count_test(source):
        return demo.insert_before(solved, "top_name", source)

    empty = nbformat.v4.new_notebook()
    return {
        "honest": ({nb: solved}, "graded", ALL, []),
        "untouched": ({nb: release}, "graded", 0, []),
        "half_done": ({nb: demo.solve(release, ("count_posts",))}, "graded", COUNT, []),
        "warns_on_stderr": ({nb: demo.solve(release, code=WARNS)}, "graded", ALL, []),
        "edited_tests": ({nb: edited}, "graded", 0, ["edited"]),
        "deleted_tests": ({nb: deleted}, "graded", ALL, ["missing"]),
        "duplicated_moved": ({nb: duplicated}, "graded", 0, ["second cell", "moved"]),
        "faked_outputs": ({nb: faked}, "graded", 0, []),
        "kernelspec_schema": ({nb: schema}, "graded", ALL, []),
        "invalid_json": ({nb: '{"cells": [ not json'}, "failed", 0, ["not a valid notebook"]),
        "missing": ({"notes.txt": "forgot it"}, "failed", 0, ["was not submitted"]),
        "renamed": ({"my copy.ipynb": solved}, "graded", ALL, ["renamed"]),
        "extra": ({nb: solved, "scratch.ipynb": empty}, "graded", ALL, ["extra notebook"]),
        # An old copy in a subfolder is not graded in place of the notebook at the top.
        "subfolder_copy": ({nb: solved, f"old/{nb}": release}, "graded", ALL, []),
        # The scratch folder is the kernel's HOME: a startup script would run before the
        # guard (here it would kill the kernel, so the notebook could not be graded).
        "startup_script": ({nb: solved, ".ipython/profile_default/startup/00.py": KILL},
                           "graded", ALL, []),
        # The scratch folder is also the working directory: a module there would shadow
        # the real one while the guard is built.
        "shadow_module": ({nb: solved, "pandas.py": KILL, "hmac.py": KILL, "secrets.py": KILL},
                          "graded", ALL, []),
        "hooks_exceptions": ({nb: demo.insert_before(release, "count_posts", HOOKS_EXC)},
                             "graded", 0, []),
        "hooks_transformers": ({nb: demo.insert_before(release, "count_posts", HOOKS_TRANSFORM)},
                               "graded", 0, []),
        "patched_helpers": ({nb: demo.insert_before(
            demo.solve(release, code={"top_name": "def top_name(names):\n    return 'zzz'"}),
            "test_top_name", PATCHED)}, "graded", COUNT, []),
        "equals_anything": ({nb: demo.solve(release, code=ANYTHING)}, "graded", 0, []),
        "kills_kernel": ({nb: after_count_test(KILL)}, "graded", COUNT, ["kernel died"]),
        "endless_loop": ({nb: after_count_test(LOOP)}, "graded", COUNT, ["stopped"]),
        # Capped as a whole (cgroups), the 16 GB grab stops the notebook; capped per
        # process, it fails with MemoryError and the answers still count.
        "bombs": ({nb: demo.insert_before(solved, "count_posts", BOMBS)}, "graded",
                  *((ALL, ["output beyond"]) if MEMORY_PER_PROCESS else (0, ["memory"]))),
        "escape": ({nb: demo.solve(release, code={"count_posts": escape_code(targets),
                                                 "top_name": "pass"})}, "graded", 0, []),
        "forges_markers": ({nb: demo.insert_before(release, "count_posts", FORGE)},
                           "graded", 0, []),
        "rebinds_and_patches": ({nb: demo.insert_before(
            demo.solve(release, code={"top_name": "def top_name(names):\n    return 'zzz'"}),
            "count_posts", REBIND)}, "graded", COUNT, []),
        "reads_reference": ({nb: demo.solve(release, code={
            "count_posts": reads_reference_code(targets), "top_name": "pass"})},
            "graded", 0, []),
        "prints_history": ({nb: demo.insert_before(solved, "reflection", HISTORY)},
                           "graded", ALL, []),
        "recipe_bomb": ({nb: demo.insert_before(release, "count_posts", RECIPE_BOMB)},
                        "graded", 0, []),
        "lists_hidden_inputs": ({nb: demo.insert_before(solved, "reflection", LISTS_CALLS)},
                                "graded", ALL, []),
        # Floods of kernel messages: output is capped, one 20 MB message is dropped by zmq.
        "floods_output": ({nb: demo.insert_before(solved, "reflection", FLOOD)},
                          "graded", ALL, []),
        # Files the grader must not read: made after submission (see the fixture).
        "fifo_notebook": ({}, "failed", 0, ["named pipe"]),
        "huge_renamed": ({"old.txt": "x"}, "failed", 0, ["larger than"]),
    }


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    try:
        sandbox.check_sandbox()
    except sandbox.SandboxUnavailable as why:
        pytest.skip(str(why))
    tmp = tmp_path_factory.mktemp("tamper")
    exercises = demo.write_source(tmp / "exercises")
    course = tmp / "course"
    assert demo.autograder("init", str(course), "--course-id", "tamper",
                           "--source", str(exercises)).returncode == 0
    demo.nbgrader(course, "generate_assignment", demo.NAME)

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    connections = []
    threading.Thread(target=lambda: connections.append(listener.accept()), daemon=True).start()
    outside = Path("/tmp") / f"escaped-{secrets.token_hex(4)}"
    targets = {
        "source": str(course / "source" / demo.NAME / f"{demo.NAME}.ipynb"),
        "gradebook": str(course / "gradebook.db"),
        "other": str(course / "submitted" / "honest" / demo.NAME / f"{demo.NAME}.ipynb"),
        "checks": str(course / "source" / demo.NAME / "checks.py"),
        "write_course": str(course / "escaped.txt"),
        "write_tmp": str(outside),
        "port": listener.getsockname()[1],
        "linger": str(700 + secrets.randbelow(200)),
    }
    cases = build_submissions(course, targets)
    for student, (files, *_) in cases.items():
        demo.submit(course, student, files)
    submitted = course / "submitted"
    os.mkfifo(submitted / "fifo_notebook" / demo.NAME / f"{demo.NAME}.ipynb")
    with open(submitted / "huge_renamed" / demo.NAME / "my copy.ipynb", "wb") as huge:
        huge.truncate(400 * 1024 * 1024)  # sparse: 400 MB to whoever reads it, no disk
    graded = demo.autograder(
        "autograde", demo.NAME, "--course", str(course), "--jobs", "2", "--cell-timeout", "10",
        "--notebook-timeout", "40", "--memory-mb", "1024", "--max-processes", "48",
        "--output-kb", "512")
    listener.close()
    report = {row["student_id"]: row for row in csv.DictReader(
        (course / "reports" / demo.NAME / "autograde.csv").open())}
    yield {"course": course, "cases": cases, "report": report, "graded": graded,
           "connections": connections, "outside": outside, "targets": targets}
    outside.unlink(missing_ok=True)


CASE_NAMES = ["honest", "untouched", "half_done", "warns_on_stderr", "edited_tests",
              "deleted_tests", "duplicated_moved", "faked_outputs", "kernelspec_schema",
              "invalid_json", "missing", "renamed", "extra", "subfolder_copy",
              "startup_script", "shadow_module", "hooks_exceptions",
              "hooks_transformers", "patched_helpers", "equals_anything", "kills_kernel",
              "endless_loop", "bombs", "escape", "forges_markers", "rebinds_and_patches",
              "reads_reference", "prints_history", "floods_output", "fifo_notebook",
              "huge_renamed", "recipe_bomb", "lists_hidden_inputs"]


def test_the_batch_finishes(batch):
    assert batch["graded"].returncode == 0, batch["graded"].stderr[-2000:]
    assert set(batch["report"]) == set(CASE_NAMES) == set(batch["cases"])


@pytest.mark.parametrize("student", CASE_NAMES)
def test_each_submission_gets_only_honest_points(batch, student):
    _, status, score, words = batch["cases"][student]
    row = batch["report"][student]
    assert row["status"] == status, row
    assert float(row["score"]) == score, row
    assert float(row["max_score"]) == MAX, row
    for word in words:
        assert word in row["reason"], row
    if status == "failed":
        assert row["reason"], "every failure has a reason"


def test_nothing_escaped_the_sandbox(batch):
    course = batch["course"]
    assert not batch["connections"], "the sandbox reached the grader's loopback"
    assert not (course / "escaped.txt").exists()
    assert not batch["outside"].exists()


def test_no_student_process_outlives_its_notebook(batch):
    linger = f"sleep\x00{batch['targets']['linger']}"
    alive = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if linger in (proc / "cmdline").read_text():
                    alive.append(proc.name)
            except OSError:
                continue
    assert not alive


def test_sandbox_refuses_clearly_where_it_cannot_run(monkeypatch):
    sandbox.check_sandbox.cache_clear()
    monkeypatch.setattr(sandbox.shutil, "which", lambda tool: None)
    with pytest.raises(sandbox.SandboxUnavailable) as refusal:
        sandbox.check_sandbox()
    sandbox.check_sandbox.cache_clear()
    message = str(refusal.value)
    assert "bwrap" in message and sandbox.UNSAFE_FLAG in message and "own risk" in message


def test_autograded_notebook_hides_no_grading_internals(batch):
    path = batch["course"] / "autograded" / "honest" / demo.NAME / f"{demo.NAME}.ipynb"
    text = path.read_text()
    assert "graded_call" not in text and "calls/in-" not in text
    assert os.path.getsize(path) < 1_000_000


def test_a_flood_of_output_is_capped_in_what_the_grader_keeps(batch):
    path = batch["course"] / "autograded" / "floods_output" / demo.NAME / f"{demo.NAME}.ipynb"
    assert os.path.getsize(path) < 1_000_000  # 20 MB message dropped, the rest capped
    assert "y" * 1000 not in path.read_text()


def test_hidden_test_source_never_reaches_the_kernel(batch):
    """The kernel's own history, printed by the submission, holds no hidden test source:
    test cells are judged by the grader and never sent to the kernel."""
    path = batch["course"] / "autograded" / "prints_history" / demo.NAME / f"{demo.NAME}.ipynb"
    outputs = json.dumps([cell.get("outputs", []) for cell in nbformat.read(path, 4).cells])
    assert "count_posts" in outputs  # the history was printed ...
    assert demo.HIDDEN_TEXT not in outputs and "count_posts_hidden" not in outputs  # ... clean


def test_the_inputs_of_hidden_checks_are_gone_before_later_cells_run(batch):
    path = (batch["course"] / "autograded" / "lists_hidden_inputs" / demo.NAME
            / f"{demo.NAME}.ipynb")
    outputs = json.dumps([cell.get("outputs", []) for cell in nbformat.read(path, 4).cells])
    assert "calls:" in outputs  # the cell ran and listed the folder ...
    assert "in-" not in outputs and "out-" not in outputs  # ... which held nothing
