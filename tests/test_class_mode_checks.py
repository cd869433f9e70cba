"""Class mode: a student's copy has no checks.py and no reference answers, yet its visible
checks give instant feedback, replayed from visible_checks.json (recorded by `autograder
init`, released by nbgrader) with the sample data's inputs and the expected results."""

import contextlib
import io
import json
import shutil

import autograder_demo as demo
import exercise_helpers as helpers
import nbformat
import pytest

from autograder import course as course_module
from autograder import verdicts, visible_record
from autograder.__main__ import main as autograder_main
from sociallearning import feedback, plaindata
from sociallearning.data import load
from sociallearning.data.load import SAMPLE_TAG
from sociallearning.exercises import (
    NEVER_RELEASED,
    VISIBLE_CHECKS_FILE,
    ChecksNotHere,
    Exercise,
    VisibleChecksError,
)

pytestmark = pytest.mark.slow
EXERCISES = ["00_start_here", "01_sponsors", "02_community", "03_thought_leaders", "04_chat",
             "05_metrics", "06_capstone"]
NOT_IN_YOUR_COPY = "are not in your copy of the course"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A class-mode course made as an instructor would, every exercise generated."""
    root = tmp_path_factory.mktemp("classmode") / "course"
    made = demo.autograder("init", str(root), "--course-id", "classmode")
    assert made.returncode == 0, made.stderr[-3000:]
    for name in EXERCISES:
        demo.nbgrader(root, "generate_assignment", name)
    return root


@pytest.fixture(scope="module")
def references():
    """name -> the reference answers (the source notebook's setup and solution cells)."""
    with contextlib.redirect_stdout(io.StringIO()):
        return {name: helpers.solution_namespace(name) for name in EXERCISES}


@pytest.fixture
def class_mode(course, tmp_path, monkeypatch):
    """Enter an exercise's release folder as a student's kernel would (its working
    directory), with no exercises/source anywhere: returns that exercise's `checks`."""
    home = tmp_path / "empty-home"
    home.mkdir()
    monkeypatch.setenv("SOCIALLEARNING_HOME", str(home))
    monkeypatch.setattr(feedback, "_records", {})

    def enter(name: str):
        monkeypatch.chdir(course / "release" / name)
        exercise = Exercise(name)
        assert isinstance(exercise.checks_module(), ChecksNotHere)
        return exercise.checks

    return enter


def visible_calls(name: str) -> list[verdicts.CheckCall]:
    """The visible (not hidden) check calls of the exercise's source test cells that a
    recording can replay (a check of rules that accepts many answers is left to grading)."""
    checks = verdicts.load_checks(helpers.SOURCE / name)
    return [call for grade_id, source in helpers.test_cells(name)
            for call in verdicts.plan_test_cell(source, grade_id)
            if not call.hidden and getattr(getattr(checks, call.check), "replayable", True)]


def hidden_check_names(name: str) -> set[str]:
    return {call.check for grade_id, source in helpers.test_cells(name)
            for call in verdicts.plan_test_cell(source, grade_id) if call.hidden}


def solution_lines(name: str) -> list[str]:
    """The statements of the solution cells (between the solution markers), leaving out
    comments and lines that are only a literal (a column name may well be in the data)."""
    lines = []
    for cell in helpers.solution_cells(name).values():
        body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
        lines += [line.strip() for line in body.splitlines()
                  if len(line.strip()) >= 12 and not line.strip().startswith("#")
                  and any(mark in line for mark in ("(", "=", "return", "for "))]
    assert lines
    return lines


def release_texts(course, name: str) -> dict[str, str]:
    folder = course / "release" / name
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8")
            for p in folder.rglob("*") if p.is_file()}


def official_message(name: str, call: verdicts.CheckCall, function) -> str:
    """What the real check (self-paced mode, checks.py) prints for `function`."""
    checks = verdicts.load_checks(helpers.SOURCE / name)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        getattr(checks, call.check)(function, **dict(call.keywords))
    return printed.getvalue()


# --- what the release holds ---------------------------------------------------------------


@pytest.mark.parametrize("name", EXERCISES)
def test_release_has_the_recording_but_no_checks_hidden_cases_or_solutions(course, name):
    assert VISIBLE_CHECKS_FILE not in NEVER_RELEASED
    texts = release_texts(course, name)
    assert VISIBLE_CHECKS_FILE in texts
    assert not [path for path in texts if path.endswith("checks.py")]
    recorded = json.loads(texts[VISIBLE_CHECKS_FILE])
    assert recorded["format"] == 1 and recorded["exercise"] == name
    assert sorted(recorded["checks"]) == sorted({c.check for c in visible_calls(name)})
    hidden = hidden_check_names(name)
    assert hidden and all(check.endswith("_edge_cases") for check in hidden)
    for path, text in texts.items():
        assert "_edge_cases" not in text, path
        assert not [check for check in hidden if check in text], path
    recording = texts[VISIBLE_CHECKS_FILE]
    leaked = [line for line in solution_lines(name) if line in recording]
    assert not leaked
    release = nbformat.reads(texts[f"{name}.ipynb"], as_version=4)
    answers = "\n".join(c.source for c in release.cells if helpers.cell_info(c).get("solution"))
    assert "NotImplementedError" in answers
    assert not [line for line in solution_lines(name) if line in answers]


def test_hidden_inputs_are_not_recorded(course):
    # Values only the hidden cases use: the tiny re-org's people (S1..S8, "Person S1") and
    # the tiny follow world's accounts (lead1, dormant).
    hidden_01 = (helpers.SOURCE / "01_sponsors" / "checks.py").read_text()
    hidden_03 = (helpers.SOURCE / "03_thought_leaders" / "checks.py").read_text()
    assert '"S1"' in hidden_01 and '"dormant"' in hidden_03 and '"lead1"' in hidden_03
    sponsors = release_texts(course, "01_sponsors")[VISIBLE_CHECKS_FILE]
    leaders = release_texts(course, "03_thought_leaders")[VISIBLE_CHECKS_FILE]
    assert not [f'"S{i}"' for i in range(1, 9) if f'"S{i}"' in sponsors]
    assert "Person S" not in sponsors
    assert "dormant" not in leaders and "lead1" not in leaders


def test_sample_frames_are_named_not_copied(course):
    sizes = {name: len((course / "release" / name / VISIBLE_CHECKS_FILE).read_bytes())
             for name in EXERCISES}
    sponsors = (course / "release" / "01_sponsors" / VISIBLE_CHECKS_FILE).read_text()
    for dataset in ("org_before", "org_after", "sponsors"):
        assert f'{{"sample":"{dataset}"}}' in sponsors
    # org_before alone is tens of thousands of cells; the whole recording stays small.
    assert sizes["00_start_here"] < 4_000 and sizes["01_sponsors"] < 20_000, sizes
    assert max(sizes.values()) < 400_000, sizes


# --- (a) the reference answer passes, with the real check's message -----------------------


@pytest.mark.parametrize("name", EXERCISES)
def test_reference_passes_every_visible_check_in_class_mode(class_mode, references, name,
                                                            capsys):
    checks = class_mode(name)
    for call in visible_calls(name):
        function = references[name][call.function]
        capsys.readouterr()
        getattr(checks, call.check)(function)
        shown = capsys.readouterr().out
        assert shown.startswith("✔ ") and NOT_IN_YOUR_COPY not in shown
        assert shown == official_message(name, call, function)
        assert feedback.attempt_record(call.function).ever_passed


def test_release_test_cells_replay_in_a_kernel(course, tmp_path, monkeypatch):
    """The student's notebook, run by a real kernel in its release folder: the solved task's
    check cell passes, the untouched ones fail with the check's message."""
    from nbclient import NotebookClient

    name = "01_sponsors"
    home = tmp_path / "empty-home"
    home.mkdir()
    monkeypatch.setenv("SOCIALLEARNING_HOME", str(home))
    release = course / "release" / name
    notebook = nbformat.read(release / f"{name}.ipynb", as_version=4)
    solved = helpers.solution_cells(name)["sponsors_who_left"].source
    for cell in notebook.cells:
        if helpers.cell_info(cell).get("grade_id") == "sponsors_who_left":
            cell.source = solved
    NotebookClient(notebook, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(release)}}).execute()
    outputs = {helpers.cell_info(c).get("grade_id"): c.outputs for c in notebook.cells
               if c.cell_type == "code"}
    passed = "".join(o.get("text", "") for o in outputs["test_sponsors_who_left"])
    assert passed.startswith("✔ sponsors_who_left() lists"), outputs["test_sponsors_who_left"]
    for task in ("offices_without_sponsor", "touchpoints_coming_up"):
        errors = [o for o in outputs[f"test_{task}"] if o.output_type == "error"]
        assert errors and errors[0].ename == "CheckFailed"
        assert "not written yet" in errors[0].evalue


# --- (b) typical wrong answers fail, in plain words ----------------------------------------


def _wrong_answers(ref):
    """(exercise, check, wrong function, words the message must hold)."""
    sponsors, leaders = ref["01_sponsors"], ref["03_thought_leaders"]
    start, community = ref["00_start_here"], ref["02_community"]
    return [
        ("01_sponsors", "unit_changes",
         lambda *a: sponsors["unit_changes"](*a).sort_values("employee_id", ascending=False),
         "not in the expected order"),
        ("01_sponsors", "offices_without_sponsor",
         lambda *a: set(sponsors["offices_without_sponsor"](*a)),
         "should return a list, but it returned a set"),
        ("01_sponsors", "reach_change",
         lambda *a: sponsors["reach_change"](*a).drop(columns="change"),
         "Missing: [change]"),
        ("01_sponsors", "touchpoints_coming_up",  # ignores within: the second call (45) fails
         lambda s, o, today, max_days, within: sponsors["touchpoints_coming_up"](
             s, o, today=today, max_days=max_days),
         "within=45"),
        ("03_thought_leaders", "followed_by_all",
         lambda edges, names: set(leaders["followed_by_all"](edges, names)),
         "should return a list, but it returned a set"),
        ("03_thought_leaders", "all_followers",  # only the first page
         lambda network, handle, page_size=20: leaders["followers_page"](
             network, handle, None, limit=page_size)[0],
         "values"),
        ("03_thought_leaders", "candidates",
         lambda *a, **k: leaders["candidates"](*a, **k).drop(columns="last_post"),
         "Missing: [last_post]"),
        ("00_start_here", "headcount_by_unit",
         lambda org: start["headcount_by_unit"](org).reset_index(drop=True),
         "the index (labels)"),
        ("02_community", "bot_share",
         lambda *a: community["bot_share"](*a) + 0.1,
         "which is too high"),
        ("02_community", "answers_since",
         lambda *a, **k: (row for row in community["answers_since"](*a, **k).itertuples()),
         "but it returned a generator"),
    ]


def test_typical_wrong_answers_fail_with_plain_words(class_mode, references):
    for name, check, wrong, words in _wrong_answers(references):
        checks = class_mode(name)
        with pytest.raises(feedback.CheckFailed) as failed:
            getattr(checks, check)(wrong)
        assert words in failed.value.message, (check, failed.value.message)
        assert "Traceback" not in failed.value.message
        record = feedback.attempt_record(check)
        assert record.attempts >= 1 and not record.passed


# --- (c) the untouched release fails every check -------------------------------------------


@pytest.mark.parametrize("name", EXERCISES)
def test_untouched_stubs_fail_every_visible_check(class_mode, course, name):
    class_mode(name)
    release = nbformat.read(course / "release" / name / f"{name}.ipynb", as_version=4)
    namespace = {"__name__": "__main__"}
    tests = []
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in release.cells:
            info = helpers.cell_info(cell)
            if cell.cell_type != "code":
                continue
            if info.get("grade"):
                tests.append(cell.source)
            else:  # the setup cell and the stubs, as the student got them
                exec(compile(cell.source, f"<{info.get('grade_id')}>", "exec"), namespace)
    replayed = {call.check for call in visible_calls(name)}
    left_to_grading = [source for source in tests
                       if verdicts.plan_test_cell(source, "test")[0].check not in replayed]
    tests = [source for source in tests if source not in left_to_grading]
    assert len(tests) == len(visible_calls(name))
    for source in tests:
        with pytest.raises(feedback.CheckFailed, match="not written yet"):
            exec(compile(source, "<test cell>", "exec"), dict(namespace))
    for source in left_to_grading:  # a check of rules says it runs at grading
        shown = io.StringIO()
        with contextlib.redirect_stdout(shown):
            exec(compile(source, "<test cell>", "exec"), dict(namespace))
        assert NOT_IN_YOUR_COPY in shown.getvalue()


# --- where the recording has nothing to say, and where it cannot be trusted ----------------


def test_hidden_or_missing_checks_say_they_run_at_grading(class_mode, course, monkeypatch,
                                                          tmp_path, capsys):
    checks = class_mode("01_sponsors")
    checks.unit_changes_edge_cases(lambda *a: 1 / 0)  # hidden: not recorded, never run
    assert NOT_IN_YOUR_COPY in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)  # a notebook moved away from its visible_checks.json
    checks.unit_changes(lambda *a: 1 / 0)
    assert NOT_IN_YOUR_COPY in capsys.readouterr().out


def _write_recording(folder, args, expected=None):
    recording = {"format": 1, "exercise": "01_sponsors", "checks": {"sponsor_changes": {
        "function": "sponsor_changes", "passed_message": "fine",
        "calls": [{"args": args, "expected": expected or {"list": []}}]}}}
    (folder / VISIBLE_CHECKS_FILE).write_text(json.dumps(recording))


@pytest.mark.parametrize("args, words", [
    ({"list": [{"list": [{"sample": "salaries"}]}, {"dict": []}]},
     "unknown sample dataset 'salaries'"),
    ({"list": [{"list": [{"pickle": "gASVBQAAAAAAAACMAXiULg=="}]}, {"dict": []}]},
     "unknown kind of value 'pickle'"),
    ({"list": [{"list": [{"unsupported": ["os.system", "x"]}]}, {"dict": []}]},
     "not plain data"),
    ({"list": [{"sample": "posts"}, {"dict": []}]}, "malformed"),
])
def test_a_recording_with_foreign_data_is_refused(class_mode, tmp_path, monkeypatch,
                                                  args, words):
    checks = class_mode("01_sponsors")
    monkeypatch.chdir(tmp_path)
    _write_recording(tmp_path, args)
    called = []
    with pytest.raises(VisibleChecksError) as refused:
        checks.sponsor_changes(lambda *a: called.append(a))
    assert words in str(refused.value) and VISIBLE_CHECKS_FILE in str(refused.value)
    assert not called


def test_a_recording_for_another_exercise_is_not_used(class_mode, tmp_path, monkeypatch,
                                                      capsys):
    checks = class_mode("03_thought_leaders")
    monkeypatch.chdir(tmp_path)
    _write_recording(tmp_path, {"list": [{"list": []}, {"dict": []}]})
    checks.sponsor_changes(lambda: [])
    assert NOT_IN_YOUR_COPY in capsys.readouterr().out


# --- plain data: a sample frame travels as its name ----------------------------------------


def test_unchanged_sample_frames_travel_as_their_name():
    assert plaindata.SAMPLE_TAG == SAMPLE_TAG
    org = load("org_after")
    assert plaindata.encode(org) == '{"sample":"org_after"}'
    assert plaindata.encode(org.copy()) == '{"sample":"org_after"}'
    back = plaindata.decode(plaindata.encode(org))
    assert back.equals(org) and list(back.columns) == list(org.columns)
    changed = org.copy()
    changed.iloc[0, 1] = "Someone Else"
    assert '"dataframe"' in plaindata.encode(changed)
    assert '"dataframe"' in plaindata.encode(org.head(3))
    renamed = org.copy()
    renamed.index.name = "row"
    assert '"dataframe"' in plaindata.encode(renamed)
    forged = load("sponsors")
    forged.attrs["sample_dataset"] = "org_after"  # a tag that does not match the data
    assert plaindata.decode(plaindata.encode(forged)).equals(load("sponsors"))
    with pytest.raises(plaindata.PlainDataError, match="unknown sample dataset"):
        plaindata.decode('{"sample":"../../etc/passwd"}')


# --- recording, instructor side --------------------------------------------------------------


def test_record_visible_command_rewrites_the_same_file(course):
    path = course / "source" / "01_sponsors" / VISIBLE_CHECKS_FILE
    before = path.read_text()
    path.unlink()
    assert autograder_main(["record-visible", str(course), "01_sponsors"]) == 0
    assert path.read_text() == before


def test_init_refuses_when_a_reference_fails_its_own_check(tmp_path):
    exercises = demo.write_source(tmp_path / "exercises")
    notebook_path = exercises / demo.NAME / f"{demo.NAME}.ipynb"
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if demo.grade_id(cell) == "top_name":
            cell.source = cell.source.replace("[0]", "[-1]")
    nbformat.write(notebook, notebook_path)
    root = tmp_path / "course"
    with pytest.raises(course_module.CourseError, match="fails its own check"):
        course_module.init_course(root, "broken", exercises)
    assert not root.exists()


def test_demo_exercise_records_plain_values(tmp_path):
    exercises = demo.write_source(tmp_path / "exercises")
    shutil.rmtree(tmp_path / "exercises" / demo.NAME / "__pycache__", ignore_errors=True)
    record = visible_record.record_exercise(exercises / demo.NAME)
    assert sorted(record["checks"]) == ["count_posts", "top_name"]
    call = record["checks"]["count_posts"]["calls"][0]
    assert plaindata.rebuild(call["args"]) == [[["ann", "bob", "ann"]], {}]
    assert plaindata.rebuild(call["expected"]) == {"ann": 2, "bob": 1}
    assert record["checks"]["top_name"]["passed_message"] == "top_name() names who posted most"


def test_a_check_of_rules_is_not_recorded_for_replay(tmp_path):
    """sponsor_actions accepts many plans: a recording of the reference's plan would reject
    sound ones, so class mode leaves it to grading."""
    from autograder.course import exercises_source
    from autograder.visible_record import record_exercise

    record = record_exercise(exercises_source() / "01_sponsors")
    assert "sponsor_actions" not in record["checks"]
    assert "unit_changes" in record["checks"]
