"""The grading workers (autograder.workers): a kernel started ahead of need is used only
for a notebook whose scratch folder holds exactly the files it was started with, and a
worker that dies fails only the submission it was grading."""

import asyncio
import os
from pathlib import Path
from types import SimpleNamespace

import autograder_demo as demo
import nbformat
import pytest

from autograder import batch, execute, grade_one, workers
from autograder.course import Course
from autograder.grade_one import SubmissionResult, SubmissionTask
from autograder.sandbox import DEFAULT_LIMITS, Limits, SandboxUnavailable, check_sandbox


class FakeKernel:
    made: list = []

    def __init__(self, scratch, limits, use_sandbox):
        self.scratch, self.limits, self.use_sandbox = scratch, limits, use_sandbox
        self.files = sorted(p.name for p in scratch.iterdir())
        self.cleanup, self.started, self.closed = [], False, False
        FakeKernel.made.append(self)

    def start(self, loop=None):
        self.started = True
        return self

    async def close(self):
        self.closed = True
        for step in self.cleanup:
            step()
        return []


def submission(folder: Path, data: str) -> SimpleNamespace:
    folder.mkdir(parents=True)
    (folder / "ex.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (folder / "timestamp.txt").write_text("2024-01-01 10:00:00.000000 UTC")
    (folder / "names.csv").write_text(data)
    return SimpleNamespace(submitted_dir=str(folder), notebooks=[object()],
                           limits=DEFAULT_LIMITS, use_sandbox=False)


def scratch_like(folder: Path, data: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "names.csv").write_text(data)
    return folder


def test_a_kernel_ahead_is_used_only_for_the_same_files_and_limits(tmp_path, monkeypatch):
    monkeypatch.setattr(workers.execute, "Kernel", FakeKernel)
    FakeKernel.made = []
    task = submission(tmp_path / "submitted", "ann\nbob\n")
    loop = asyncio.new_event_loop()
    ahead = workers.KernelsAhead([task], loop)
    ahead.prepare(0)
    (kernel,) = FakeKernel.made
    assert kernel.started and kernel.files == ["names.csv"]  # data only: no notebook, stamp
    ahead.current = 0
    assert ahead.take(scratch_like(tmp_path / "changed", "ann\n"), DEFAULT_LIMITS, False) is None
    assert ahead.take(scratch_like(tmp_path / "same", "ann\nbob\n"), Limits(cell_seconds=5),
                      False) is None
    assert ahead.take(tmp_path / "same", DEFAULT_LIMITS, True) is None
    assert ahead.take(tmp_path / "same", DEFAULT_LIMITS, False) is kernel
    assert ahead.take(tmp_path / "same", DEFAULT_LIMITS, False) is None  # never twice
    assert len(FakeKernel.made) == 1  # one notebook in the submission: no second kernel

    ahead.prepare(0)  # the submission has its kernel: none more
    assert len(FakeKernel.made) == 1
    ahead.finish(0)

    again = workers.KernelsAhead([task], loop)
    again.prepare(0)  # never used: closed, its folder removed
    unused = FakeKernel.made[-1]
    again.finish(0)
    assert unused is not kernel and unused.closed and not unused.scratch.exists()
    loop.close()


def _grade_or_die(task):
    if task.student == "dies":
        os._exit(7)
    return SubmissionResult(task.student)


def test_a_worker_that_dies_fails_only_the_submission_it_was_grading(tmp_path, monkeypatch):
    monkeypatch.setattr(workers.grade_one, "grade_submission", _grade_or_die)
    students = ["a", "b", "dies", "c", "d", "e", "f"]
    tasks = [SimpleNamespace(student=s, submitted_dir=str(tmp_path), notebooks=[],
                             limits=DEFAULT_LIMITS, use_sandbox=False) for s in students]
    seen = {}

    def on_result(index, result, failure):
        assert index not in seen
        seen[index] = (result, failure)

    workers.grade_all(tasks, 2, on_result)
    assert sorted(seen) == list(range(len(tasks)))
    for index, (result, failure) in seen.items():
        if students[index] == "dies":
            assert result is None and "exit code 7" in failure
        else:
            assert failure == "" and result.student == students[index]


@pytest.mark.slow
def test_grade_one_runs_the_notebook_in_the_kernel_started_ahead(tmp_path):
    try:
        check_sandbox()
        use_sandbox = True
    except SandboxUnavailable:
        use_sandbox = False
    exercises = demo.write_source(tmp_path / "exercises")
    root = tmp_path / "course"
    assert demo.autograder("init", str(root), "--course-id", "ahead",
                           "--source", str(exercises)).returncode == 0
    demo.nbgrader(root, "generate_assignment", demo.NAME)
    release = nbformat.read(root / "release" / demo.NAME / f"{demo.NAME}.ipynb", 4)
    shows_data = demo.insert_before(demo.solve(release), "reflection",
                                    "print(open('names.csv').read())")
    demo.submit(root, "ann", {f"{demo.NAME}.ipynb": shows_data, "names.csv": "DATA-7c1e"})
    course = Course.open(root)
    task = SubmissionTask("ann", demo.NAME, str(course.path("submitted", "ann", demo.NAME)),
                          batch.notebook_tasks(course, demo.NAME), DEFAULT_LIMITS, use_sandbox)
    ahead = workers.KernelsAhead([task], execute.event_loop())
    ahead.prepare(0)
    (started,) = ahead.started[0]
    execute.kernel_supplier, ahead.current = ahead.take, 0
    try:
        result = grade_one.grade_submission(task)
        assert ahead.handed[0] == 1 and not ahead.started[0]  # it was used
    finally:
        execute.kernel_supplier = None
        ahead.finish(0)
    assert not started.folder.exists()
    (notebook,) = result.notebooks
    assert notebook.failure == "" and notebook.graded is not None
    outputs = str([cell.get("outputs") for cell in notebook.graded["cells"]])
    assert "DATA-7c1e" in outputs
    assert notebook.timings["kernel_boot"] > 0
