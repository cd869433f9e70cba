"""Plain `nbgrader autograde` against `python -m autograder autograde`, command line to
command line, same class, same run, same machine.

One assignment (default 01_sponsors) and a synthetic class of honest submissions
(default 16 students): by student number, the solution, the untouched release, or the
solution with one of its answers undone (each answer in turn). Two identical course
folders are made; in one an instructor runs `nbgrader autograde ASSIGNMENT`, in the
other `python -m autograder autograde ASSIGNMENT --course .` (sandbox on, --jobs left at
its default, the number of cores). Both are timed from the command line, start to exit.
The two gradebooks are then compared submission by submission.

    python benchmarks/bench_autograde.py [--students 16] [--assignment 01_sponsors]
                                         [--rounds 1] [--jobs N]

With --rounds N both graders run N times, alternating (fresh copies of the class each
time); the medians are reported.
"""

import argparse
import copy
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.course import init_course
from autograder.notebook_repair import is_answer, nbgrader_info


def _env() -> dict:
    # nbgrader runs helpers such as alembic by name: find the venv's own.
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


def run(command: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=_env())
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr[-3000:]}")
    return seconds, result


def nbgrader(course: Path, *args: str) -> tuple[float, subprocess.CompletedProcess]:
    return run([sys.executable, "-m", "nbgrader", *args], course)


def variants(course: Path, name: str) -> list[nbformat.NotebookNode]:
    """Honest submissions: the solution, the release, the solution with answer k undone."""
    source = nbformat.read(course / "source" / name / f"{name}.ipynb", 4)
    release = nbformat.read(course / "release" / name / f"{name}.ipynb", 4)
    released = {nbgrader_info(c).get("grade_id"): c.source for c in release.cells}
    made = [source, release]
    for index, cell in enumerate(source.cells):
        info = nbgrader_info(cell)
        if cell.cell_type == "code" and is_answer(info):
            undone = copy.deepcopy(source)
            undone.cells[index].source = released[info["grade_id"]]
            made.append(undone)
    return made


def make_class(course: Path, name: str, students: int) -> None:
    versions = variants(course, name)
    for number in range(students):
        folder = course / "submitted" / f"student{number:02d}" / name
        folder.mkdir(parents=True)
        nbformat.write(versions[number % len(versions)], folder / f"{name}.ipynb")
        (folder / "timestamp.txt").write_text("2024-01-01 10:00:00.000000 UTC")


def copy_course(pristine: Path, target: Path) -> None:
    shutil.copytree(pristine, target)
    (target / "nbgrader_config.py").write_text(
        (pristine / "nbgrader_config.py").read_text().replace(str(pristine), str(target)))


def scores(course: Path, name: str) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {s.student.id: s.score for s in gradebook.find_assignment(name).submissions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--assignment", default="01_sponsors")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=None,
                        help="passed to ours as --jobs (default: not passed, i.e. cores)")
    args = parser.parse_args()
    name = args.assignment
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as folder:
        pristine = Path(folder) / "pristine"
        init_course(pristine, "bench")
        nbgrader(pristine, "generate_assignment", name)
        make_class(pristine, name, args.students)
        print(f"{args.students} submissions of {name}; {os.cpu_count()} cores; "
              f"{args.rounds} round(s)", flush=True)
        ours_command = [sys.executable, "-m", "autograder", "autograde", name, "--course", "."]
        if args.jobs:
            ours_command += ["--jobs", str(args.jobs)]
        plain_times, our_times, equal, differ, last_ours = [], [], [], {}, None
        for number in range(args.rounds):
            plain, ours = Path(folder) / f"plain-{number}", Path(folder) / f"ours-{number}"
            copy_course(pristine, plain)
            copy_course(pristine, ours)
            seconds, _ = nbgrader(plain, "autograde", name)
            plain_times.append(seconds)
            seconds, last_ours = run(ours_command, ours)
            our_times.append(seconds)
            plain_scores, our_scores = scores(plain, name), scores(ours, name)
            differ = {k: (plain_scores.get(k), our_scores.get(k))
                      for k in plain_scores.keys() | our_scores.keys()
                      if plain_scores.get(k) != our_scores.get(k)}
            equal.append(len(plain_scores) - len(differ))
            print(f"round {number + 1}: plain {plain_times[-1]:.1f} s, ours {our_times[-1]:.1f} s"
                  f", ratio {plain_times[-1] / our_times[-1]:.2f}x, scores equal "
                  f"{equal[-1]}/{args.students}", flush=True)
            shutil.rmtree(plain)
            shutil.rmtree(ours)
        plain_seconds, ours_seconds = statistics.median(plain_times), statistics.median(our_times)
        print(f"plain `nbgrader autograde {name}`:        {plain_seconds:6.1f} s "
              f"({plain_seconds / args.students:.2f} s per submission)")
        print(f"`python -m autograder autograde {name}`: {ours_seconds:6.1f} s "
              f"({ours_seconds / args.students:.2f} s per submission)")
        print(f"speed-up: {plain_seconds / ours_seconds:.2f}x")
        where = [line for line in last_ours.stderr.splitlines()
                 if line.startswith(("Done in", "Time, summed"))]
        if where:
            print("ours, last round:\n" + "\n".join(where))
        print(f"scores equal on {min(equal)}/{args.students} submissions in every round"
              + (f"; differ: {differ}" if differ else ""))


if __name__ == "__main__":
    main()
