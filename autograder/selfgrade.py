"""`make grade` / `python -m autograder selfgrade`: a learner grades their own work.

The learner's notebooks in my-work/ are copied (never changed) into a throw-away
nbgrader course made from exercises/source, graded there with the full tests by the
same sandboxed pipeline the instructor uses, and nbgrader's feedback (without hidden
test source) is written to my-work/feedback/<exercise>.html. A table then shows, per
exercise, the score, the maximum and what is left to do.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.batch import autograde
from autograder.course import Course, exercise_names, exercises_source, init_course
from autograder.sandbox import DEFAULT_LIMITS, Limits

STUDENT = "me"


def nbgrader_run(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run an nbgrader command in the course (its alembic helper must be on PATH)."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "nbgrader", *args, "--log-level=ERROR"],
                          cwd=course, capture_output=True, text=True, env=env)


def what_is_left(course: Course, name: str) -> tuple[float, float, str]:
    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(name, STUDENT)
        left, by_person, score, automatic = [], [], 0.0, 0.0
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                if grade.cell.cell_type != "code":  # written answers: a person grades them
                    by_person.append(grade.name)
                    continue
                automatic += grade.max_score
                score += grade.auto_score or 0
                if (grade.auto_score or 0) < grade.max_score:
                    left.append(grade.name.removeprefix("test_"))
    words = ", ".join(left) if left else "all automatic tests pass"
    if by_person:
        words += f" (a person grades: {', '.join(by_person)})"
    return score, automatic, words


def selfgrade(work: Path | None, *, jobs: int | None = None, limits: Limits = DEFAULT_LIMITS,
              use_sandbox: bool = True) -> int:
    from sociallearning.paths import course_home

    work = (work or course_home() / "my-work").expanduser().resolve()
    source = exercises_source()
    mine = {name: work / name / f"{name}.ipynb" for name in exercise_names(source)}
    if not any(path.is_file() for path in mine.values()):
        print(f"No exercises found in {work}. Run `make lab` first: it copies them there.",
              file=sys.stderr)
        return 2
    feedback_folder = work / "feedback"
    feedback_folder.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="selfgrade-") as folder:
        root = Path(folder) / "course"
        init_course(root, "selfgrade", source)
        course = Course.open(root)
        for number, (name, path) in enumerate(mine.items(), start=1):
            if not path.is_file():
                rows.append((name, "-", "-", "not started"))
                continue
            print(f"[{number}/{len(mine)}] grading {name} ...", file=sys.stderr, flush=True)
            made = nbgrader_run(root, "generate_assignment", name)
            if made.returncode != 0:
                last_line = (made.stderr.strip().splitlines() or ["no message"])[-1]
                rows.append((name, "-", "-", f"could not prepare the tests ({last_line}); "
                             "the exercise file may be damaged: get a fresh copy of the "
                             "course and try again"))
                continue
            submitted = course.path("submitted", STUDENT, name)
            submitted.mkdir(parents=True)
            shutil.copyfile(path, submitted / f"{name}.ipynb")
            report = autograde(course, name, jobs=jobs, limits=limits, use_sandbox=use_sandbox,
                               progress=lambda line: None)[0]
            if report.status == "failed":
                rows.append((name, "0", "-", report.reason))
                continue
            score, automatic, left = what_is_left(course, name)
            rows.append((name, f"{score:g}", f"{automatic:g}", left))
            nbgrader_run(root, "generate_feedback", name)
            html = course.path("feedback", STUDENT, name) / f"{name}.html"
            if html.is_file():
                shutil.copyfile(html, feedback_folder / f"{name}.html")
    print(progress_table(rows))
    print(f"\nFeedback for each exercise: {feedback_folder}/<exercise>.html")
    return 0


def progress_table(rows: list[tuple[str, str, str, str]]) -> str:
    width = max(len("module"), *(len(r[0]) for r in rows))
    lines = [f"{'module':<{width}}  {'score':>5}  {'max':>4}  what is left"]
    lines += [f"{m:<{width}}  {s:>5}  {x:>4}  {left}" for m, s, x, left in rows]
    return "\n".join(lines)
