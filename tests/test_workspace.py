"""my-work/: learner copies made by nbgrader, updated only where the learner never
edited them, restored when deleted; nothing else touched."""

import json
import os
import re

import nbformat
import pytest
from demo_exercise import NAME, write_demo_course

from sociallearning import workspace


def snapshot(folder):
    """Every file under `folder` with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def home(tmp_path):
    write_demo_course(tmp_path)
    (tmp_path / "exercises" / "source" / NAME / "posts.csv").write_text("member\nann\n")
    return tmp_path


def prepare(home, lines=None):
    said = [] if lines is None else lines
    report = workspace.prepare(home / "my-work", home=home, say=said.append)
    return report, "\n".join(said)


def mine(home):
    return home / "my-work" / NAME / f"{NAME}.ipynb"


def edit_learner_notebook(home):
    nb = nbformat.read(str(mine(home)), as_version=4)
    nb.cells[3].source = "def top_members(posts, top=2):\n    return posts  # my attempt"
    nbformat.write(nb, str(mine(home)))
    return mine(home).read_bytes()


def test_first_run_copies_the_release_version_and_nothing_else(home):
    source_before = snapshot(home / "exercises")
    report, said = prepare(home)
    assert [o.action for o in report.outcomes] == ["new"]
    assert f"{NAME}: new" in said
    copy = nbformat.read(str(mine(home)), as_version=4)
    assert "NotImplementedError" in copy.cells[3].source  # solution removed by nbgrader
    assert "BEGIN SOLUTION" not in copy.cells[3].source
    assert "HIDDEN TESTS" not in copy.cells[4].source and "top=1" not in copy.cells[4].source
    assert copy.cells[4].metadata["editable"] is False  # nbgrader locked the test cell
    assert set(snapshot(home / "my-work")) == {f"{NAME}/{NAME}.ipynb", ".course-versions.json"}
    assert snapshot(home / "exercises") == source_before
    assert not list(home.rglob("gradebook.db"))


def test_learner_notebooks_get_the_usual_file_permissions(home):
    previous = os.umask(0o022)
    try:
        prepare(home)
    finally:
        os.umask(previous)
    assert mine(home).stat().st_mode & 0o777 == 0o644


def test_nothing_changed_means_no_nbgrader_run(home, monkeypatch):
    prepare(home)

    def must_not_run(*args):
        raise AssertionError("nbgrader ran although nothing changed")

    monkeypatch.setattr(workspace, "generate_release", must_not_run)
    report, said = prepare(home)
    assert report.skipped and "up to date" in said and "nothing changed" in said


def test_edited_notebook_is_never_overwritten_and_the_update_goes_beside(home):
    prepare(home)
    edited = edit_learner_notebook(home)
    (home / "my-work" / "notes.txt").write_text("my notes")
    write_demo_course(home, statement="Return the `top` members, most posts first.")
    report, said = prepare(home)

    assert mine(home).read_bytes() == edited
    beside = [p for p in mine(home).parent.iterdir() if p != mine(home)]
    assert len(beside) == 1
    assert re.fullmatch(rf"{NAME}\.course-update-[0-9a-f]{{8}}\.ipynb", beside[0].name)
    assert "most posts first" in beside[0].read_text()
    assert [o.action for o in report.outcomes] == ["update beside"]
    assert "untouched" in said and beside[0].name in said and f"{NAME}.ipynb" in said
    assert (home / "my-work" / "notes.txt").read_text() == "my notes"

    # Running again without a course change leaves everything as it is.
    before = snapshot(home / "my-work")
    report, said = prepare(home)
    assert report.skipped and snapshot(home / "my-work") == before

    # A further course change puts a second, differently named update beside.
    write_demo_course(home, statement="Return the `top` members; ties by name.")
    prepare(home)
    assert mine(home).read_bytes() == edited
    names = sorted(p.name for p in mine(home).parent.iterdir())
    assert len(names) == 3 and len(set(names)) == 3


def test_unedited_notebook_is_updated_even_after_running_it(home):
    prepare(home)
    nb = nbformat.read(str(mine(home)), as_version=4)
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    nb.cells[1].execution_count = 1
    nb.metadata["language_info"] = {"name": "python"}  # as Jupyter adds on save
    nbformat.write(nb, str(mine(home)))
    write_demo_course(home, statement="Return the `top` members, most posts first.")
    report, said = prepare(home)
    assert [o.action for o in report.outcomes] == ["updated"]
    assert "most posts first" in mine(home).read_text()
    assert len(list(mine(home).parent.iterdir())) == 1
    assert "updated" in said


def test_an_update_adopted_by_the_learner_is_updated_later(home):
    prepare(home)
    edit_learner_notebook(home)
    write_demo_course(home, statement="Second version.")
    prepare(home)
    # The learner takes the new version instead of their edits.
    beside = next(p for p in mine(home).parent.iterdir() if p != mine(home))
    beside.replace(mine(home))
    write_demo_course(home, statement="Third version.")
    report, _ = prepare(home)
    assert [o.action for o in report.outcomes] == ["updated"]
    assert "Third version." in mine(home).read_text()


def test_deleted_notebook_is_restored_and_other_files_untouched(home):
    prepare(home)
    scratch = mine(home).parent / "scratch.ipynb"
    scratch.write_text("{}")
    mine(home).unlink()
    report, said = prepare(home)
    assert [o.action for o in report.outcomes] == ["restored"]
    assert "restored" in said
    assert "NotImplementedError" in mine(home).read_text()
    assert scratch.read_text() == "{}"


def test_unreadable_learner_notebook_is_kept(home):
    prepare(home)
    mine(home).write_text("not json, but mine")
    write_demo_course(home, statement="Changed.")
    prepare(home)
    assert mine(home).read_text() == "not json, but mine"
    assert len(list(mine(home).parent.glob("*.course-update-*.ipynb"))) == 1


def test_existing_notebook_without_record_is_kept(home):
    mine(home).parent.mkdir(parents=True)
    mine(home).write_text("made by hand")
    report, _ = prepare(home)
    assert mine(home).read_text() == "made by hand"
    assert [o.action for o in report.outcomes] == ["update beside"]


def test_a_broken_exercise_is_reported_and_the_others_are_prepared(home):
    broken = write_demo_course(home)
    nb = nbformat.read(str(broken), as_version=4)
    nb.cells[4].metadata["nbgrader"]["grade_id"] = nb.cells[3].metadata["nbgrader"]["grade_id"]
    target = home / "exercises" / "source" / "00_broken" / "00_broken.ipynb"
    target.parent.mkdir()
    nbformat.write(nb, str(target))
    report, said = prepare(home)
    assert {o.name: o.action for o in report.outcomes} == {"00_broken": "failed",
                                                           NAME: "new"}
    assert "00_broken: not prepared" in said and "could not be prepared" in said
    assert "Duplicate grade id: top_members" in said  # nbgrader's own reason
    versions = json.loads((home / "my-work" / ".course-versions.json").read_text())
    assert versions["source_fingerprint"] is None  # so the next run tries again
    report, _ = prepare(home)
    assert not report.skipped


def test_new_exercise_in_the_course_is_added(home):
    prepare(home)
    edited = edit_learner_notebook(home)
    second = home / "exercises" / "source" / "02_more" / "02_more.ipynb"
    second.parent.mkdir()
    second.write_bytes((home / "exercises" / "source" / NAME / f"{NAME}.ipynb").read_bytes())
    report, _ = prepare(home)
    assert {o.name: o.action for o in report.outcomes} == {"02_more": "new", NAME: "edits kept"}
    assert mine(home).read_bytes() == edited
    assert (home / "my-work" / "02_more" / "02_more.ipynb").exists()


def test_an_exercise_leaving_the_course_does_not_stop_later_skips(home, monkeypatch):
    second = home / "exercises" / "source" / "02_more" / "02_more.ipynb"
    second.parent.mkdir()
    second.write_bytes((home / "exercises" / "source" / NAME / f"{NAME}.ipynb").read_bytes())
    prepare(home)
    (second.parent / "02_more.ipynb").unlink()
    second.parent.rmdir()
    report, _ = prepare(home)
    assert [o.name for o in report.outcomes] == [NAME]

    def must_not_run(*args):
        raise AssertionError("nbgrader ran although nothing changed")

    monkeypatch.setattr(workspace, "generate_release", must_not_run)
    report, said = prepare(home)
    assert report.skipped and "nothing changed" in said
    assert "02_more" in json.loads((home / "my-work" / ".course-versions.json").read_text())[
        "exercises"]  # kept, in case it comes back


def test_command_line(home, monkeypatch, capsys):
    monkeypatch.setenv("SOCIALLEARNING_HOME", str(home))
    work = home / "elsewhere"
    assert workspace.main(["prepare", "--work", str(work)]) == 0
    assert (work / NAME / f"{NAME}.ipynb").exists()
    assert f"{NAME}: new" in capsys.readouterr().out
    assert workspace.main(["where"]) == 0
    assert capsys.readouterr().out.strip() == str(home / "my-work")


def test_no_exercises_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOCIALLEARNING_HOME", str(tmp_path))
    assert workspace.main(["prepare"]) == 1
    assert "No exercises found" in capsys.readouterr().err
