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
    import re, sys, tempfile
    from pathlib import Path
    import nbformat
    from autograder import execute, sandbox

    def peak_mb():
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmHWM:\\s+(\\d+)", status).group(1)) / 1024

    if sys.argv[1] == "uncapped":
        execute.MAX_KERNEL_MESSAGE_BYTES = -1  # zmq: no limit
    cell = nbformat.v4.new_code_cell(
        "import sys\\nsys.stdout.write('y' * 120_000_000)\\nsys.stdout.flush()")
    nb = nbformat.v4.new_notebook(cells=[cell, nbformat.v4.new_code_cell("print('after')")])
    Path("/proc/self/clear_refs").write_text("5")  # peak memory counts from here
    before = peak_mb()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "work"
        scratch.mkdir()
        # Time enough for a busy machine to move 120 MB: the control run must not stop early.
        limits = sandbox.Limits(output_kb=64, cell_seconds=240, notebook_seconds=280, cpus=0)
        run = execute.run_notebook(nb, scratch, limits, 0, sys.argv[2] == "sandbox")
    grown = peak_mb() - before
    arrived = bool(nb.cells[0].outputs)  # the message, or the note that it was too long
    print(repr(run.stop_reason), file=sys.stderr)
    print(round(grown), arrived, nb.cells[1].get("execution_count") is not None)
""")


def grade(mode: str, use_sandbox: bool) -> tuple[float, bool, bool, str]:
    done = subprocess.run([sys.executable, "-c", SCRIPT, mode,
                           "sandbox" if use_sandbox else "plain"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    grown, arrived, after_ran = done.stdout.split()[-3:]
    stop_reason = done.stderr.strip().splitlines()[-1]
    return float(grown), arrived == "True", after_ran == "True", stop_reason


def test_a_120_mb_message_is_dropped_before_it_reaches_the_grader():
    try:
        sandbox.check_sandbox()
        use_sandbox = True
    except sandbox.SandboxUnavailable:
        use_sandbox = False
    capped, capped_arrived, capped_went_on, _ = grade("capped", use_sandbox)
    uncapped, uncapped_arrived, uncapped_went_on, stopped = grade("uncapped", use_sandbox)
    assert not capped_arrived, "the 120 MB message reached the notebook despite the cap"
    assert capped_went_on, "the cells after the dropped message still run"
    assert capped < 30, f"the grader grew by {capped:.0f} MB with the cap"
    # The control: without the cap the same message does arrive (so the test can fail).
    assert uncapped_went_on, f"the control run stopped early ({stopped}): it proves nothing"
    assert uncapped_arrived, "without the cap the message should reach the grader"
    assert uncapped > 50, f"without the cap the grader grew by only {uncapped:.0f} MB"
