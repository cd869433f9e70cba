"""A throwaway nbgrader course for tests: generate, submit and autograde with nbgrader itself."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from exercise_helpers import SOURCE
from nbgrader.api import Gradebook

VENV_BIN = Path(sys.executable).parent


class Course:
    def __init__(self, root: Path):
        self.root = root
        (root / "source").mkdir(parents=True, exist_ok=True)
        (root / "nbgrader_config.py").write_text(
            "c = get_config()\n"
            "c.CourseDirectory.course_id = 'test-course'\n"
            f"c.CourseDirectory.root = {str(root)!r}\n"
            # The course imports sociallearning and reads the sample data, as a learner does.
            "c.Execute.timeout = 120\n"
        )

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "nbgrader", *args, "--log-level=WARN"],
            cwd=self.root,
            capture_output=True,
            text=True,
            # nbgrader runs helpers such as alembic by name: find the venv's own.
            env={**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}"},
        )
        assert result.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{result.stderr}"
        return result

    def add_assignment(self, name: str) -> Path:
        shutil.copytree(SOURCE / name, self.root / "source" / name, dirs_exist_ok=True)
        self.nbgrader("db", "assignment", "add", name)
        self.nbgrader("generate_assignment", name, "--force")
        return self.root / "release" / name / f"{name}.ipynb"

    def submit(self, student: str, name: str, notebook: Path) -> None:
        target = self.root / "submitted" / student / name
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook, target / f"{name}.ipynb")

    def autograde(self, name: str) -> None:
        self.nbgrader("autograde", name, "--force")

    def auto_scores(self, name: str, student: str) -> tuple[float, float]:
        """(score, max_score) over the autograded test cells of one submission."""
        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}") as gradebook:
            submission = gradebook.find_submission_notebook(name, name, student)
            return submission.code_score, submission.max_code_score
