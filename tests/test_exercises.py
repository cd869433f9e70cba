"""Hints step by step, solutions only after a first attempt, and test cells that
nbgrader scores right: run in a real kernel and scored with nbgrader's own function."""

import copy

import nbformat
import pytest
from demo_exercise import HINTS, NAME, TASK, write_demo_course
from exercise_helpers import exercise_names as helper_exercise_names
from exercise_helpers import source_notebook as helper_source
from nbclient import NotebookClient
from nbgrader.utils import determine_grade

from sociallearning import exercises, feedback, workspace
from sociallearning.exercises import Exercise, ExerciseNotFound, UnknownTask


@pytest.fixture
def home(tmp_path, monkeypatch):
    write_demo_course(tmp_path)
    monkeypatch.setenv("SOCIALLEARNING_HOME", str(tmp_path))
    feedback.forget_attempts()
    exercises._hints_shown.clear()
    yield tmp_path
    feedback.forget_attempts()
    exercises._hints_shown.clear()


def test_tasks_are_the_solution_cells_in_order(home):
    assert Exercise(NAME).tasks() == [TASK, "first_measure"]


def test_missing_exercise_names_the_ones_that_exist(home):
    exercise = Exercise("09_nothing")  # the setup cell runs even where the source is hidden
    with pytest.raises(ExerciseNotFound) as caught:
        exercise.hint("anything")
    assert "01_demo" in str(caught.value) and "SOCIALLEARNING_HOME" in str(caught.value)


def test_unknown_task_lists_the_valid_ones(home):
    with pytest.raises(UnknownTask) as caught:
        Exercise(NAME).hint("champions")
    assert TASK in str(caught.value) and "first_measure" in str(caught.value)


def test_hints_step_one_at_a_time_then_point_to_solution(home, capsys):
    exercise = Exercise(NAME)
    for number, hint in enumerate(HINTS, start=1):
        exercise.hint(TASK)
        shown = capsys.readouterr().out
        assert f"Hint {number} of {len(HINTS)}" in shown and hint in shown
    exercise.hint(TASK)
    shown = capsys.readouterr().out
    assert "No more hints" in shown and ".solution(" in shown
    # The steps are remembered per kernel, not per Exercise object.
    Exercise(NAME).hint(TASK)
    assert "No more hints" in capsys.readouterr().out


def test_task_without_hints_says_so(home, capsys):
    Exercise(NAME).hint("first_measure")
    assert "no hints" in capsys.readouterr().out


def test_solution_refused_before_an_attempt_then_shown(home, capsys):
    exercise = Exercise(NAME)
    exercise.solution(TASK)
    refusal = capsys.readouterr().out
    assert "Have a go first" in refusal and "groupby" not in refusal
    with pytest.raises(NameError):
        with feedback.task(TASK):
            top_members  # noqa: B018, F821 - the learner has not defined it yet
    exercise.solution(TASK)
    shown = capsys.readouterr().out
    assert 'counts = posts.groupby("member")' in shown
    assert "def top_members(posts, top=2):" in shown
    assert "BEGIN SOLUTION" not in shown and "END SOLUTION" not in shown


def test_written_answer_shows_an_example(home, capsys):
    """With no notebook of the learner's in my-work/, nothing can be said about an attempt."""
    Exercise(NAME).solution("first_measure")
    assert "new members reply" in capsys.readouterr().out


def my_reflection(home, text):
    """The learner's saved notebook in my-work/, with `text` as their written answer."""
    from demo_exercise import demo_notebook

    nb = demo_notebook()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "first_measure":
            cell.source = text
    path = home / "my-work" / NAME / f"{NAME}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def test_the_example_answer_waits_for_a_first_draft_then_comes_with_the_rubric(home, capsys):
    my_reflection(home, "YOUR ANSWER HERE")
    Exercise(NAME).solution("first_measure")
    shown = capsys.readouterr().out
    assert "Have a go first" in shown and "new members reply" not in shown
    my_reflection(home, "I would measure how many people answer a colleague's question in "
                        "their first month, because helping others is the habit we want "
                        "and it is easy to count from the platform export.")
    Exercise(NAME).solution("first_measure")
    shown = capsys.readouterr().out
    assert "new members reply" in shown and "Check your own answer" in shown


REFLECTIONS = [(name, cell) for name in helper_exercise_names()
               for cell in helper_source(name).cells
               if cell.cell_type == "markdown"
               and cell.metadata.get("nbgrader", {}).get("solution")]


@pytest.mark.parametrize("name, cell", REFLECTIONS,
                         ids=[cell.metadata["nbgrader"]["grade_id"] for _, cell in REFLECTIONS])
def test_every_reflection_has_a_rubric_in_its_task_and_an_exemplar(name, cell):
    rubric = cell.metadata.get("sociallearning", {}).get("rubric", [])
    assert len(rubric) >= 3, "a rubric of three points or more"
    assert "YOUR ANSWER HERE" not in cell.source and len(cell.source.split()) >= 80
    cells = helper_source(name).cells
    task = cells[cells.index(cell) - 1].source
    assert all(point in task for point in rubric), "the task shows the rubric it is graded by"


def test_where_is_my_work_follows_the_course_home(home):
    assert exercises.where_is_my_work() == home / "my-work"


# --- in a real kernel, scored by nbgrader ---------------------------------------------

WRONG_ANSWER = """\
def top_members(posts, top=2):
    # The right members, but the least active first.
    counts = posts.groupby("member").size().rename("posts").reset_index()
    return counts.sort_values("posts").tail(top)"""

IMPOSTOR_ANSWER = """\
class Anything(pd.DataFrame):
    def __eq__(self, other):
        return True
    def equals(self, other):
        return True

def top_members(posts, top=2):
    return Anything({"member": [], "posts": []})"""

RIGHT_ANSWER = """\
def top_members(posts, top=2):
    counts = posts["member"].value_counts()
    table = pd.DataFrame({"member": counts.index, "posts": counts.to_numpy()})
    return table.sort_values(["posts", "member"], ascending=[False, True]).head(top)"""


def test_release_test_cell_scores_zero_on_wrong_answers_and_full_on_right(home):
    release = workspace.generate_release(home / "exercises" / "source", NAME, home / "course")
    nb = nbformat.read(str(release), as_version=4)
    setup, solution, test = nb.cells[1], nb.cells[3], nb.cells[4]
    assert "NotImplementedError" in solution.source and "HIDDEN" not in test.source

    def attempt(code):
        answer = copy.deepcopy(solution)
        answer.source = code
        return [answer, copy.deepcopy(test)]

    unsolved = attempt(solution.source)
    wrong, impostor, right = attempt(WRONG_ANSWER), attempt(IMPOSTOR_ANSWER), attempt(RIGHT_ANSWER)
    before = nbformat.v4.new_code_cell(f"ex.solution({TASK!r})")
    after = nbformat.v4.new_code_cell(f"ex.solution({TASK!r})")
    nb.cells = [setup, before, *unsolved, *wrong, *impostor, after, *right]
    NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(home)}}).execute()

    for cell in (unsolved[1], wrong[1], impostor[1]):
        assert determine_grade(cell) == (0, 2)
        assert any(output.output_type == "error" for output in cell.outputs)
    assert "one row too few" not in str(wrong[1].outputs)  # same length, other order
    assert "not in the expected order" in str(wrong[1].outputs)
    assert "should return a pandas DataFrame" in str(impostor[1].outputs)

    passed = right[1]
    assert determine_grade(passed) == (2, 2)
    assert [output.name for output in passed.outputs] == ["stdout"]
    assert passed.outputs[0].text.startswith("✔ ")

    def markdown_of(cell):
        return "".join(output.data.get("text/markdown", "") for output in cell.outputs
                       if output.output_type == "display_data")

    assert "Have a go first" in markdown_of(before)
    assert "groupby" in markdown_of(after)


def test_a_check_that_trips_over_an_answer_says_so_in_words():
    def check(learner):
        return learner()["followers_count"]  # the check's own code, on the answer

    with pytest.raises(feedback.CheckFailed) as failed:
        exercises.in_plain_words(check)(lambda: None)
    assert "returned something the check could not use" in str(failed.value)
    assert "TypeError" in str(failed.value)


def test_the_learners_own_error_keeps_its_own_traceback():
    def check(learner):
        return learner()

    def answer():
        return {}["missing"]

    with pytest.raises(KeyError):
        exercises.in_plain_words(check)(answer)
