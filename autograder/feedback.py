"""Feedback without hidden tests: an nbconvert preprocessor for `nbgrader generate_feedback`.

nbgrader's feedback shows the autograded notebook as it is, hidden tests and all
(nbgrader issues #917 and #1363): both in the test cell's source and in the traceback
of a failed hidden check, which quotes the failing line. This preprocessor, listed in
the course's `GenerateFeedback.preprocessors` by `autograder init`, replaces each
hidden region with a one-line note and cuts the traceback of a failed test cell that
had hidden tests down to its error message.
"""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

HIDDEN_NOTE = "# (hidden tests are not shown)"


def remove_hidden_regions(source: str, begin: str, end: str) -> tuple[str, bool]:
    kept, inside, found = [], False, False
    for line in source.splitlines():
        if begin in line:
            inside, found = True, True
            kept.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTE)
            continue
        if end in line:
            inside = False
            continue
        if not inside:
            kept.append(line)
    return "\n".join(kept), found


class HideHiddenTests(Preprocessor):
    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default
    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        cell.source, had_hidden = remove_hidden_regions(cell.source, self.begin, self.end)
        if had_hidden:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources


def pending_manual_points(gradebook, assignment: str | None = None,
                          student: str | None = None) -> dict[tuple[str, str], float]:
    """(assignment, student) -> points of written answers that still need a person."""
    pending: dict[tuple[str, str], float] = {}
    assignments = [gradebook.find_assignment(assignment)] if assignment else \
        gradebook.assignments
    for record in assignments:
        for submission in record.submissions:
            if student and submission.student.id != student:
                continue
            points = sum(grade.max_score for notebook in submission.notebooks
                         for grade in notebook.grades if grade.needs_manual_grade)
            if points:
                pending[(record.name, submission.student.id)] = points
    return pending


class WarnPendingManualGrades(Preprocessor):
    """In `nbgrader generate_feedback`: say when a written answer has not been graded yet,
    since the feedback would show it as 0 points."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        from nbgrader.api import Gradebook

        info = resources.get("nbgrader", {})
        if not info.get("db_url"):
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            pending = pending_manual_points(gradebook, info.get("assignment"),
                                            info.get("student"))
        for (assignment, student), points in pending.items():
            self.log.warning("%s, %s: %g point(s) of written answers still need a person "
                             "(formgrader); this feedback shows them as not graded yet.",
                             assignment, student, points)
        return nb, resources
