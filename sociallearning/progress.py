"""Your progress through the course, module by module.

    from sociallearning.progress import show_progress
    show_progress()        # in a notebook: a table and a bar per module

For each module: its time to complete (from the module notebook's "Time to complete" line),
how many tasks of its exercise you have answered in `my-work/` (a code task whose
`raise NotImplementedError()` is gone, a written task that holds more than the placeholder),
and, once you have run `make grade`, your last automatic score and what is left. Nothing is
graded here and nothing is sent anywhere: it reads your notebooks and the file `make grade`
leaves in `my-work/feedback/progress.json`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from sociallearning.paths import course_home

PROGRESS_FILE = "progress.json"  # written by `make grade` into my-work/feedback/
COLUMNS = ["module", "time", "tasks", "answered", "score", "max_score", "what is left"]
_TIME = re.compile(r"\*\*Time to complete:?\*\*:?\s*(.+?)(?:\.\s|\.$|\n|$)", re.S)


def progress_file(work: Path) -> Path:
    return Path(work) / "feedback" / PROGRESS_FILE


def module_names(home: Path | None = None) -> list[str]:
    """The modules: numbered notebooks in course/, and exercises without a module notebook."""
    home = Path(home or course_home())
    names = {p.stem for p in (home / "course").glob("[0-9][0-9]_*.ipynb")}
    source = home / "exercises" / "source"
    if source.is_dir():
        names |= {p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file()}
    return sorted(names)


def time_to_complete(notebook: Path) -> str:
    """The module notebook's "Time to complete" sentence (shortened), or "" when absent."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return ""
    for cell in cells[:3]:
        found = _TIME.search("".join(cell.get("source", "")))
        if found:
            return found.group(1).split(":")[0].split(" (")[0].strip()
    return ""


def answered_tasks(notebook: Path) -> tuple[int, int]:
    """(tasks answered, tasks) in a learner's exercise notebook; (0, 0) when it is missing."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    except (OSError, ValueError, KeyError):
        return 0, 0
    answered = total = 0
    for cell in cells:
        marks = cell.get("metadata", {}).get("nbgrader", {})
        if not marks.get("solution"):
            continue
        total += 1
        text = "".join(cell.get("source", ""))
        if cell.get("cell_type") == "code":
            answered += "NotImplementedError" not in text and bool(text.strip())
        else:
            answered += bool(text.replace("YOUR ANSWER HERE", "").strip())
    return answered, total


def last_grades(work: Path) -> dict:
    """module -> {"score", "max_score", "left"} from the last `make grade`, or {}."""
    try:
        recorded = json.loads(progress_file(work).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    modules = recorded.get("modules") if type(recorded) is dict else None
    return modules if type(modules) is dict else {}


def progress(work: Path | None = None, home: Path | None = None) -> pd.DataFrame:
    """One row per module: time to complete, tasks answered, last score and what is left."""
    home = Path(home or course_home())
    work = Path(work or home / "my-work")
    graded = last_grades(work)
    rows = []
    for name in module_names(home):
        answered, total = answered_tasks(work / name / f"{name}.ipynb")
        if not total:  # not copied to my-work yet: count the tasks in the course's exercise
            total = answered_tasks(home / "exercises" / "source" / name / f"{name}.ipynb")[1]
        grade = graded.get(name) or {}
        rows.append({
            "module": name,
            "time": time_to_complete(home / "course" / f"{name}.ipynb"),
            "tasks": total,
            "answered": answered,
            "score": grade.get("score"),
            "max_score": grade.get("max_score"),
            "what is left": grade.get("left") or ("not started" if not answered else
                                                  "run `make grade` for a score"),
        })
    return pd.DataFrame(rows, columns=COLUMNS)


def show_progress(work: Path | None = None, home: Path | None = None) -> pd.DataFrame:
    """Draw a bar per module (share of tasks answered, and of points after `make grade`)
    and return the table."""
    import matplotlib.pyplot as plt

    table = progress(work, home)
    shares = pd.DataFrame({
        "tasks answered": table["answered"] / table["tasks"].where(table["tasks"] > 0),
        "automatic points (last make grade)": pd.to_numeric(table["score"], errors="coerce")
        / pd.to_numeric(table["max_score"], errors="coerce"),
    }, index=table["module"]).fillna(0)
    axes = shares.iloc[::-1].plot.barh(figsize=(8, 0.5 + 0.45 * len(table)), xlim=(0, 1))
    axes.set_xlabel("share done")
    axes.set_title("Your progress through the course")
    axes.legend(loc="lower right", fontsize="small")
    plt.tight_layout()
    plt.show()
    return table
