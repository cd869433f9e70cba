"""Optional peer review in class mode: `python -m autograder peer-review` pairs the
submissions of an assignment and writes one review notebook per reviewer, with the rubric."""

import csv
import shutil

import nbformat
import pytest
from exercise_helpers import SOURCE, cell_info

from autograder.__main__ import main as autograder_main
from autograder.peer_review import make_reviews, ring

NAME = "06_capstone"
STUDENTS = ["amara-k", "bo-lin", "chidi-o", "dana-m"]


def answer_of(student):
    return f"My plan, by {student}: I will meet the Finance sponsor every month and post weekly."


@pytest.fixture
def course(tmp_path):
    """A course folder after `nbgrader collect`: the source, and four submissions whose
    written answers say whose they are."""
    root = tmp_path / "course"
    (root / "source" / NAME).mkdir(parents=True)
    shutil.copy(SOURCE / NAME / f"{NAME}.ipynb", root / "source" / NAME)
    for student in STUDENTS:
        notebook = nbformat.read(SOURCE / NAME / f"{NAME}.ipynb", 4)
        for cell in notebook.cells:
            if cell.cell_type == "markdown" and cell_info(cell).get("grade"):
                cell.source = answer_of(student)
        folder = root / "submitted" / student / NAME
        folder.mkdir(parents=True)
        nbformat.write(notebook, folder / f"{NAME}.ipynb")
    return root


@pytest.mark.parametrize("size", [2, 3, 7])
def test_the_ring_pairs_everyone_with_someone_else_once(size):
    students = [f"s{i}" for i in range(size)]
    pairs = ring(students, seed=5)
    assert sorted(r for r, _ in pairs) == sorted(a for _, a in pairs) == sorted(students)
    assert all(reviewer != author for reviewer, author in pairs)
    assert ring(students, seed=5) == pairs and ring(students, seed=6) != pairs or size == 2


def test_each_reviewer_gets_a_classmates_plan_with_the_rubric(course):
    pairs = make_reviews(course, NAME, seed=1)
    assert sorted(p.reviewer for p in pairs) == STUDENTS
    source = nbformat.read(SOURCE / NAME / f"{NAME}.ipynb", 4)
    rubric = [point for cell in source.cells
              for point in cell.metadata.get("sociallearning", {}).get("rubric", [])]
    for pair in pairs:
        assert pair.notebook.parent.name == pair.reviewer and pair.author != pair.reviewer
        text = "\n".join(c.source for c in nbformat.read(pair.notebook, 4).cells)
        assert answer_of(pair.author) in text  # their answer, quoted
        assert pair.author not in text.replace(answer_of(pair.author), "")  # never their id
        assert all(f"- [ ] {point}" in text for point in rubric)
        assert "def sponsor_plan" in text  # the plan's code, as text
    rows = list(csv.DictReader((course / "reviews" / NAME / "pairs.csv").open()))
    assert {(r["reviewer"], r["author"]) for r in rows} == {(p.reviewer, p.author)
                                                            for p in pairs}


def test_the_command_line_says_where_the_reviews_are(course, capsys):
    assert autograder_main(["peer-review", NAME, "--course", str(course)]) == 0
    assert "4 review notebooks" in capsys.readouterr().out


def test_one_submission_is_not_enough_and_says_so(course, capsys):
    for student in STUDENTS[1:]:
        shutil.rmtree(course / "submitted" / student)
    assert autograder_main(["peer-review", NAME, "--course", str(course)]) == 2
    assert "at least two submissions" in capsys.readouterr().err


def test_an_unknown_assignment_is_named(course, capsys):
    assert autograder_main(["peer-review", "99_nothing", "--course", str(course)]) == 2
    assert "No source notebook for '99_nothing'" in capsys.readouterr().err
