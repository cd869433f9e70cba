"""Exercises and modules: how long a solution notebook and a course module take to run,
and how fast a visible check answers.

    python benchmarks/bench_exercises.py                 # print the table
    python benchmarks/bench_exercises.py --write-readme  # record it in benchmarks/README.md

The baseline, measured in the same run, is a notebook with one empty cell: a kernel start
and nothing else. A solution notebook's ratio to it says what the exercise adds on top of the
kernel. Visible checks are timed warm, in the solved notebook's own namespace, the way a
learner runs one after editing an answer.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from exercise_helpers import (  # noqa: E402
    exercise_names,
    solution_namespace,
    source_notebook,
    test_cells,
)

README = HERE / "README.md"
SECTION = "## Exercises and modules"
REPEATS = 3


def run_notebook(notebook) -> float:
    started = time.perf_counter()
    NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    return time.perf_counter() - started


def kernel_only() -> float:
    empty = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("pass")])
    run_notebook(empty)  # the first start warms the disk cache: not counted
    return statistics.median(run_notebook(empty) for _ in range(REPEATS))


def visible_part(source: str) -> str:
    return source.split("### BEGIN HIDDEN TESTS")[0]


def check_seconds(name: str) -> float:
    """The slowest visible check of the exercise, warm (median of a few runs)."""
    namespace = solution_namespace(name)
    slowest = 0.0
    for _grade_id, source in test_cells(name):
        code = compile(visible_part(source), f"<{name} check>", "exec")
        runs = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            with redirect_stdout(io.StringIO()):
                exec(code, namespace)
            runs.append(time.perf_counter() - started)
        slowest = max(slowest, statistics.median(runs))
    return slowest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    baseline = kernel_only()
    rows = []
    for name in exercise_names():
        notebook_s = statistics.median(
            run_notebook(source_notebook(name)) for _ in range(REPEATS)
        )
        rows.append((name, notebook_s, notebook_s / baseline, check_seconds(name)))
        print(f"{name}: solution notebook {notebook_s:.2f} s, slowest check {rows[-1][3]:.3f} s",
              flush=True)
    modules = []
    for path in sorted((HERE.parent / "course").glob("[0-9][0-9]_*.ipynb")):
        module_s = run_notebook(nbformat.read(path, as_version=4))
        modules.append((path.stem, module_s, module_s / baseline))
        print(f"{path.stem}: course module {module_s:.2f} s", flush=True)
    table = [
        f"Baseline (kernel start + one empty cell): {baseline:.2f} s, median of {REPEATS}.",
        "",
        "| exercise | solution notebook (s) | ratio to baseline | slowest visible check (s) |",
        "|---|---:|---:|---:|",
        *(f"| {name} | {seconds:.2f} | {ratio:.1f}x | {check:.3f} |"
          for name, seconds, ratio, check in rows),
        "",
        "| course module | runs top to bottom (s) | ratio to baseline |",
        "|---|---:|---:|",
        *(f"| {name} | {seconds:.2f} | {ratio:.1f}x |" for name, seconds, ratio in modules),
    ]
    print("\n".join(table))
    if args.write_readme:
        write_section("\n".join(table))


def write_section(table: str) -> None:
    intro = (
        f"{SECTION}\n\n`python benchmarks/bench_exercises.py --write-readme` runs each "
        "exercise's solution notebook in a fresh kernel (kernel start included) and times "
        "each visible check warm in the solved namespace, then runs each course module top to "
        "bottom. Goals: a solution notebook under 5 s, a visible check well under a second, "
        "a module under 20 s.\n\n"
    )
    text = README.read_text()
    start = text.find(SECTION)
    if start == -1:
        text = text.rstrip() + "\n\n" + intro + table + "\n"
    else:
        end = text.find("\n## ", start + len(SECTION))
        rest = text[end:] if end != -1 else "\n"
        text = text[:start] + intro + table + "\n" + rest
    README.write_text(text)


if __name__ == "__main__":
    main()
