"""No message from a student's kernel larger than the cap ever reaches the grader's memory."""

import subprocess
import sys
import textwrap

import pytest

from autograder import sandbox

pytestmark = pytest.mark.slow

# Runs in a fresh process so that its peak memory is its own: one notebook whose cell
# writes a single 120 MB message, graded with and without the cap.
SCRIPT = textwrap.dedent("""
    import resource, sys, tempfile
    from pathlib import Path
    import nbformat
    from autograder import execute, sandbox
    if sys.argv[1] == "uncapped":
        execute.MAX_KERNEL_MESSAGE_BYTES = -1  # zmq: no limit
    cell = nbformat.v4.new_code_cell(
        "import sys\\nsys.stdout.write('y' * 120_000_000)\\nsys.stdout.flush()")
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("print('after')")])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "work"
        scratch.mkdir()
        # Time enough for a busy machine to move 120 MB: the control run must not stop early.
        limits = sandbox.Limits(output_kb=64, cell_seconds=240, notebook_seconds=280, cpus=0)
        run = execute.run_notebook(nb, scratch, limits, 0, sys.argv[2] == "sandbox")
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(repr(run.stop_reason), file=sys.stderr)
    print(round(grown), nb.cells[1].get("execution_count") is not None)
""")


def grade(mode: str, use_sandbox: bool) -> tuple[float, bool, str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode,
                           "sandbox" if use_sandbox else "plain"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    grown, after_ran = done.stdout.split()[-2:]
    return float(grown), after_ran == "True", done.stderr.strip().splitlines()[-1]


def test_a_120_mb_message_is_dropped_before_it_reaches_the_grader():
    try:
        sandbox.check_sandbox()
        use_sandbox = True
    except sandbox.SandboxUnavailable:
        use_sandbox = False
    capped, capped_went_on, _ = grade("capped", use_sandbox)
    uncapped, uncapped_went_on, stopped = grade("uncapped", use_sandbox)
    assert capped_went_on, "the cells after the dropped message still run"
    assert capped < 30, f"the grader grew by {capped:.0f} MB with the cap"
    assert uncapped_went_on, f"the control run stopped early ({stopped}): it proves nothing"
    assert uncapped > 50, "without the cap the message does reach the grader (the test can fail)"
