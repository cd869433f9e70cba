"""Plain `nbgrader autograde` against `python -m autograder autograde`, same class, same run.

A synthetic class (default 10 students x every exercise in exercises/source, at least
30 submissions): each student submits, per exercise, the solution, the untouched
release or the solution with its first answer undone, chosen by student number. Two
identical course folders are graded, one by plain nbgrader (one `nbgrader autograde`
per assignment, as instructors run it) and one by ours (sandbox on, --jobs = cores).
The scores are compared submission by submission, and the speed-up is printed with
where our time goes (kernel start, execution, bookkeeping).

    python benchmarks/bench_autograde.py [--students 10] [--jobs N]
"""

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.batch import autograde
from autograder.course import Course, init_course
from autograder.notebook_repair import is_answer, nbgrader_info


def nbgrader(course: Path, *args: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"],
                            cwd=course, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise SystemExit(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-2000:]}")


def make_class(course: Path, names: list[str], students: int) -> int:
    count = 0
    for name in names:
        source = nbformat.read(course / "source" / name / f"{name}.ipynb", 4)
        release = nbformat.read(course / "release" / name / f"{name}.ipynb", 4)
        half = copy.deepcopy(source)
        first = next(c for c in half.cells if is_answer(nbgrader_info(c)))
        first.source = next(c.source for c in release.cells
                            if nbgrader_info(c).get("grade_id") == nbgrader_info(first)["grade_id"])
        versions = [source, release, half]
        for number in range(students):
            folder = course / "submitted" / f"student{number:02d}" / name
            folder.mkdir(parents=True)
            nbformat.write(versions[number % 3], folder / f"{name}.ipynb")
            (folder / "timestamp.txt").write_text("2024-01-01 10:00:00.000000 UTC")
            count += 1
    return count


def scores(course: Path, names: list[str]) -> dict:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        return {(s.student.id, name): s.score
                for name in names for s in gradebook.find_assignment(name).submissions}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-autograde-") as folder:
        plain, ours = Path(folder) / "plain", Path(folder) / "ours"
        names = init_course(plain, "bench")
        for name in names:
            nbgrader(plain, "generate_assignment", name)
        submissions = make_class(plain, names, args.students)
        shutil.copytree(plain, ours)
        (ours / "nbgrader_config.py").write_text(
            (plain / "nbgrader_config.py").read_text().replace(str(plain), str(ours)))
        print(f"{submissions} submissions of {len(names)} assignments; {args.jobs} jobs")

        started = time.perf_counter()
        for name in names:
            nbgrader(plain, "autograde", name, "--force")
        plain_seconds = time.perf_counter() - started

        course = Course.open(ours)
        rows, started = [], time.perf_counter()
        for name in names:
            rows += autograde(course, name, jobs=args.jobs, progress=lambda line: None)
        ours_seconds = time.perf_counter() - started

        plain_scores, our_scores = scores(plain, names), scores(ours, names)
        differ = {k: (plain_scores.get(k), our_scores.get(k))
                  for k in plain_scores.keys() | our_scores.keys()
                  if plain_scores.get(k) != our_scores.get(k)}
        parts = {part: sum(r.timings.get(part, 0) for r in rows)
                 for part in ("kernel_start", "execution", "bookkeeping")}
        print(f"plain nbgrader autograde: {plain_seconds:6.1f} s "
              f"({plain_seconds / submissions:.2f} s per submission)")
        print(f"autograder (sandboxed):   {ours_seconds:6.1f} s "
              f"({ours_seconds / submissions:.2f} s per submission)")
        print(f"speed-up: {plain_seconds / ours_seconds:.2f}x")
        print("our time, summed over workers: "
              + ", ".join(f"{part} {seconds:.1f} s" for part, seconds in parts.items()))
        print(f"scores equal on {submissions - len(differ)}/{submissions} submissions"
              + (f"; differ: {differ}" if differ else ""))


if __name__ == "__main__":
    main()
