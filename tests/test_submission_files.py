"""Reading a hostile submission folder: links, pipes, devices, huge files, many files.

Each test would fail against the naive reading it guards against (rglob + is_file +
stat + nbformat.read / shutil.copyfile): a pipe blocks it, a link or a folder swapped
for a link is followed, a 400 MB file is read, a deep folder hides the notebook.
"""

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import nbformat
import pytest

from autograder import submission_files as sf
from autograder.submission_files import (
    SubmissionFileError,
    copy_data_files,
    find_renamed,
    list_submission,
    read_notebook,
    read_regular_file,
)

MB = 1024 * 1024
LATER = float("inf")  # a deadline that never passes

# --- every file the process opens, seen through the audit hook ---------------------
OPENED: list[tuple[str, int | None]] = []
_recording = threading.local()


def _audit(event, args):
    if event == "open" and getattr(_recording, "on", False):
        path, _mode, flags = args
        if isinstance(path, (str, bytes, os.PathLike)):
            OPENED.append((os.fsdecode(path), flags))


sys.addaudithook(_audit)


@pytest.fixture
def opened():
    """The (path, flags) of every open() in this test (os.open and built-in open)."""
    OPENED.clear()
    _recording.on = True
    yield OPENED
    _recording.on = False


def notebook_text(*grade_ids: str) -> str:
    cells = [nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": {"grade_id": g}})
             for g in grade_ids]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.truncate(size)  # takes no disk
    return path


def in_thread(call, seconds=5.0):
    """call() in a thread; fails (instead of hanging) when it does not return in time."""
    outcome = {}

    def run():
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001
            outcome["error"] = error

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    return thread.is_alive(), outcome


# --- named pipes ------------------------------------------------------------------------


@pytest.mark.timeout(30)
def test_pipe_named_like_the_notebook_is_a_clear_failure_at_once(tmp_path):
    os.mkfifo(tmp_path / "ex.ipynb")
    started = time.monotonic()
    listing = list_submission(tmp_path, deadline=LATER)
    assert "ex" not in listing.notebooks()
    assert listing.refused_notebook("ex") == (
        "ex.ipynb is a named pipe, not a file; submit the notebook itself")
    hung, outcome = in_thread(lambda: read_notebook(tmp_path / "ex.ipynb"))
    if hung:  # unblock the reader so the test process can end
        os.close(os.open(tmp_path / "ex.ipynb", os.O_WRONLY | os.O_NONBLOCK))
    assert not hung, "reading a named pipe blocked"
    error = outcome.get("error")
    assert isinstance(error, SubmissionFileError), outcome
    assert str(error) == "ex.ipynb is a named pipe, not a file; submit the notebook itself"
    assert time.monotonic() - started < 2


@pytest.mark.timeout(30)
def test_pipe_swapped_in_after_the_look_does_not_block(tmp_path, monkeypatch):
    """Between the lstat and the open a regular file may become a pipe: O_NONBLOCK + fstat."""
    regular = tmp_path / "real.ipynb"
    regular.write_text(notebook_text("a"))
    pipe = tmp_path / "ex.ipynb"
    os.mkfifo(pipe)
    monkeypatch.setattr(sf, "_lstat", lambda name, dir_fd: os.stat(regular))
    hung, outcome = in_thread(lambda: read_regular_file(pipe, MB))
    if hung:
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
    assert not hung, "open() of a pipe blocked"
    assert isinstance(outcome.get("error"), SubmissionFileError), outcome
    assert outcome["error"].kind == "named pipe"


# --- links ------------------------------------------------------------------------------


def test_link_to_etc_passwd_is_never_followed(tmp_path, opened):
    (tmp_path / "ex.ipynb").symlink_to("/etc/passwd")
    (tmp_path / "data.csv").symlink_to("/etc/passwd")
    (tmp_path / "etc").symlink_to("/etc", target_is_directory=True)
    (tmp_path / "real.csv").write_text("a,b\n1,2\n")

    listing = list_submission(tmp_path, deadline=LATER)
    assert [f.relative.as_posix() for f in listing.files] == ["real.csv"]
    assert {s.relative.as_posix(): s.kind for s in listing.skipped} == {
        "data.csv": "link", "etc": "link", "ex.ipynb": "link"}
    assert listing.refused_notebook("ex") == (
        "ex.ipynb is a link, not a file; submit the notebook itself")

    for name in ("ex.ipynb", "data.csv"):
        with pytest.raises(SubmissionFileError, match="is a link, not a file") as caught:
            read_regular_file(tmp_path / name, MB)
        assert caught.value.kind == "link"
    with pytest.raises(SubmissionFileError, match="is a link, not a file"):
        read_notebook(tmp_path / "ex.ipynb")
    # A folder on the way that is a link is refused too when the submission is given.
    with pytest.raises(SubmissionFileError, match="link"):
        read_regular_file(tmp_path / "etc" / "passwd", MB, beneath=tmp_path)

    out = tmp_path.parent / f"{tmp_path.name}-out"
    notes = copy_data_files(listing, out)
    assert sorted(p.name for p in out.rglob("*")) == ["real.csv"]
    assert notes == []

    for path, flags in opened:
        assert not path.startswith("/etc"), f"opened {path}"
        if Path(path).name in ("ex.ipynb", "data.csv", "passwd"):
            assert flags is not None and flags & os.O_NOFOLLOW, f"{path} opened following links"


def test_the_submission_folder_itself_must_not_be_a_link(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "sub").symlink_to(tmp_path / "real", target_is_directory=True)
    with pytest.raises(SubmissionFileError, match="is a link") as caught:
        list_submission(tmp_path / "sub", deadline=LATER)
    assert caught.value.kind == "link"


# --- devices and sockets ----------------------------------------------------------------


def test_devices_are_refused_without_being_read(tmp_path, opened):
    for device in ("/dev/zero", "/dev/null"):
        with pytest.raises(SubmissionFileError, match="is a device, not a file") as caught:
            read_regular_file(Path(device), 10)
        assert caught.value.kind == "device"
    assert not [p for p, _ in opened if p.startswith("/dev")], "a device was opened"

    (tmp_path / "zero.ipynb").symlink_to("/dev/zero")
    try:
        os.mknod(tmp_path / "ex.ipynb", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero
        made_device = True
    except (PermissionError, OSError):
        made_device = False
    listing = list_submission(tmp_path, deadline=LATER)
    assert listing.files == []
    kinds = {s.relative.as_posix(): s.kind for s in listing.skipped}
    assert kinds["zero.ipynb"] == "link"
    if made_device:
        assert kinds["ex.ipynb"] == "device"
        assert listing.refused_notebook("ex") == (
            "ex.ipynb is a device, not a file; submit the notebook itself")
        with pytest.raises(SubmissionFileError, match="is a device"):
            read_notebook(tmp_path / "ex.ipynb")
        assert not [p for p, _ in opened if p.endswith("ex.ipynb")], "the device was opened"
    with pytest.raises(SubmissionFileError, match="is a link"):
        read_notebook(tmp_path / "zero.ipynb")


def test_socket_is_refused(tmp_path):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(tmp_path / "ex.ipynb"))
        listing = list_submission(tmp_path, deadline=LATER)
        assert [s.kind for s in listing.skipped] == ["socket"]
        with pytest.raises(SubmissionFileError, match="is a socket, not a file"):
            read_notebook(tmp_path / "ex.ipynb")
    finally:
        server.close()


# --- sizes ------------------------------------------------------------------------------

MEASURE = textwrap.dedent("""\
    import json, os, sys, time
    from pathlib import Path
    from autograder.submission_files import (SubmissionFileError, find_renamed,
                                             list_submission, read_notebook)

    def rchar():
        with open("/proc/self/io") as handle:
            return int(next(l for l in handle if l.startswith("rchar:")).split()[1])

    def peak_kb():  # this process's own peak (ru_maxrss would include the parent's)
        with open("/proc/self/status") as handle:
            return int(next(l for l in handle if l.startswith("VmHWM:")).split()[1])

    folder = Path(sys.argv[1])
    Path("/proc/self/clear_refs").write_text("5")  # the peak counts from here
    rss_before, read_before = peak_kb(), rchar()
    listing = list_submission(folder, deadline=time.monotonic() + 30)
    try:
        read_notebook(folder / "huge.ipynb")
        error = None
    except SubmissionFileError as caught:
        error = str(caught)
    notes = []
    found = find_renamed({"task-1"}, [folder / "huge.ipynb", folder / "renamed.ipynb"],
                         max_mb=20, deadline=time.monotonic() + 30, notes=notes)
    read_after = rchar()
    rss_after = peak_kb()
    print(json.dumps({"error": error, "found": found and found.name, "notes": notes,
                      "sizes": {f.relative.name: f.size for f in listing.files},
                      "rss_growth_mb": (rss_after - rss_before) / 1024,
                      "read_mb": (read_after - read_before) / 2**20}))
""")


def test_huge_sparse_file_named_like_a_notebook_is_refused_unread(tmp_path):
    """400 MB of nothing (a sparse file): refused by its size; the grader's memory and
    reads stay small (measured in a fresh process: its peak memory and /proc/self/io rchar)."""
    sparse(tmp_path / "huge.ipynb", 400 * MB)
    (tmp_path / "renamed.ipynb").write_text(notebook_text("task-1"))
    run = subprocess.run([sys.executable, "-c", MEASURE, str(tmp_path)], capture_output=True,
                         text=True, timeout=120, cwd=Path(__file__).parents[1])
    assert run.returncode == 0, run.stderr
    measured = json.loads(run.stdout)
    assert measured["error"] == ("huge.ipynb is larger than 20 MB; clear its outputs and "
                                 "submit again")
    assert measured["sizes"]["huge.ipynb"] == 400 * MB
    assert measured["found"] == "renamed.ipynb"
    assert measured["notes"] == ["huge.ipynb was not searched: it is larger than 20 MB"]
    assert measured["rss_growth_mb"] < 100, measured
    assert measured["read_mb"] < 5, measured


def test_size_is_checked_before_and_while_reading(tmp_path, monkeypatch):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 1000)
    assert read_regular_file(path, 1000) == b"x" * 1000
    with pytest.raises(SubmissionFileError, match="larger than 999 bytes"):
        read_regular_file(path, 999)

    # A file that grows after its size was checked: fstat says 10 bytes, 1000 are there.
    real_fstat = os.fstat

    def small_fstat(fd):
        info = real_fstat(fd)
        return os.stat_result((*info[:6], 10, *info[7:10]))

    monkeypatch.setattr(sf.os, "fstat", small_fstat)
    with pytest.raises(SubmissionFileError, match="larger than 100 bytes"):
        read_regular_file(path, 100)
    out = tmp_path / "out"
    listing = list_submission(tmp_path, deadline=LATER)
    notes = copy_data_files(listing, out, budget_mb=100 / MB)
    monkeypatch.undo()
    assert not (out / "data.bin").exists()
    assert notes == [f"data.bin ({1000} bytes) was not copied: the submission's other files "
                     "may take 100 bytes in all"]


def test_growing_file_is_not_copied_past_the_budget(tmp_path, monkeypatch):
    (tmp_path / "data.bin").write_bytes(b"x" * 1000)
    listing = list_submission(tmp_path, deadline=LATER)
    # Listed at 10 bytes, 1000 when copied: the copy stops at the budget.
    listing.files[0] = sf.SubmittedFile(listing.files[0].relative, listing.files[0].path, 10)
    real_fstat = os.fstat
    monkeypatch.setattr(sf.os, "fstat",
                        lambda fd: os.stat_result((*real_fstat(fd)[:6], 10,
                                                   *real_fstat(fd)[7:10])))
    out = tmp_path.parent / f"{tmp_path.name}-out"
    notes = copy_data_files(listing, out, budget_mb=100 / MB)
    monkeypatch.undo()
    assert not (out / "data.bin").exists()
    assert notes == ["data.bin grew past what is left of the 100 bytes for other files while "
                     "it was copied; it was not copied"]


def test_invalid_notebooks_get_the_reasons_grade_one_gives(tmp_path):
    (tmp_path / "bad.ipynb").write_text('{"cells": [')
    with pytest.raises(SubmissionFileError) as caught:
        read_notebook(tmp_path / "bad.ipynb")
    assert str(caught.value).startswith("bad.ipynb is not a valid notebook (")
    assert str(caught.value).endswith("); open it in Jupyter, save it, and submit again")
    (tmp_path / "latin.ipynb").write_bytes(b'{"x": "\xe9"}')
    with pytest.raises(SubmissionFileError, match=r"\(it is not UTF-8 text\)"):
        read_notebook(tmp_path / "latin.ipynb")
    (tmp_path / "good.ipynb").write_text(notebook_text("a"))
    assert read_notebook(tmp_path / "good.ipynb").cells[0].metadata.nbgrader.grade_id == "a"


def test_notebook_of_millions_of_empty_lists_is_refused_before_parsing(tmp_path):
    """19 MB of "[]," would parse into ~7 million lists (about 1 GB in the grader)."""
    bomb = '{"cells": [], "metadata": {"x": [' + "[]," * (2 * 10**6) + '[]]}, "nbformat": 4}'
    (tmp_path / "bomb.ipynb").write_text(bomb)
    started = time.monotonic()
    with pytest.raises(SubmissionFileError, match="too many parts to be a notebook"):
        read_notebook(tmp_path / "bomb.ipynb")
    assert time.monotonic() - started < 1


# --- the renamed-notebook search --------------------------------------------------------


def test_renamed_search_skips_oversized_candidates_unread(tmp_path, opened):
    big = tmp_path / "copy.ipynb"
    big.write_text(notebook_text("task-1") + " " * (2 * MB))  # valid, and a match, but big
    good = tmp_path / "mine.ipynb"
    good.write_text(notebook_text("other", "task-1"))
    opened.clear()
    notes = []
    assert find_renamed({"task-1"}, [big, good], max_mb=1, deadline=LATER, notes=notes) == good
    assert notes == ["copy.ipynb was not searched: it is larger than 1 MB"]
    assert not [p for p, _ in opened if p == str(big)], "the oversized candidate was opened"


def test_renamed_search_needs_a_course_label_and_stops_at_its_limits(tmp_path, opened):
    others = [tmp_path / f"other{i}.ipynb" for i in range(3)]
    for path in others:
        path.write_text(notebook_text("unrelated"))
    good = tmp_path / "mine.ipynb"
    good.write_text(notebook_text("task-1"))
    assert find_renamed({"task-1"}, [*others, good], deadline=LATER) == good
    assert find_renamed({"task-2"}, [*others, good], deadline=LATER) is None

    notes = []
    assert find_renamed({"task-1"}, [*others, good], deadline=LATER, max_candidates=3,
                        notes=notes) is None
    assert notes == ["only the first 3 other notebooks were searched for a renamed one"]

    opened.clear()
    notes = []
    assert find_renamed({"task-1"}, [good], deadline=time.monotonic() - 1, notes=notes) is None
    assert notes == ["the search for a renamed notebook ran out of time"]
    assert opened == []


def test_renamed_search_passes_over_pipes_and_links(tmp_path):
    os.mkfifo(tmp_path / "pipe.ipynb")
    (tmp_path / "link.ipynb").symlink_to(tmp_path / "mine.ipynb")
    (tmp_path / "mine.ipynb").write_text(notebook_text("task-1"))
    notes = []
    hung, outcome = in_thread(lambda: find_renamed(
        {"task-1"}, [tmp_path / "pipe.ipynb", tmp_path / "link.ipynb"], deadline=LATER,
        notes=notes))
    if hung:
        os.close(os.open(tmp_path / "pipe.ipynb", os.O_WRONLY | os.O_NONBLOCK))
    assert not hung
    assert outcome == {"value": None}
    assert notes == [
        "pipe.ipynb is a named pipe, not a file; submit the notebook itself (not searched "
        "for a renamed notebook)",
        "link.ipynb is a link, not a file; submit the notebook itself (not searched for a "
        "renamed notebook)"]


# --- many files and the deadline --------------------------------------------------------


def many_files(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"f{i:05}.txt").touch()


def test_walk_stops_at_the_deadline(tmp_path, monkeypatch):
    many_files(tmp_path / "deep", 3000)
    ticks = iter(range(10**6))
    monkeypatch.setattr(sf, "_clock", lambda: next(ticks) / 1000)  # 1 ms per look
    listing = list_submission(tmp_path, deadline=0.1)
    assert 50 < len(listing.files) < 150
    assert not listing.complete
    assert listing.stop_reason.startswith("listing the submission's files took too long")
    assert listing.notes()[-1] == listing.stop_reason

    monkeypatch.undo()
    listing = list_submission(tmp_path, deadline=time.monotonic() - 1)
    assert listing.files == [] and not listing.complete


def test_walk_stops_at_max_files_and_sees_the_top_first(tmp_path):
    many_files(tmp_path / "a-lot", 500)
    (tmp_path / "zz.ipynb").write_text(notebook_text("a"))
    listing = list_submission(tmp_path, max_files=100, deadline=LATER)
    assert len(listing.files) < 100
    assert listing.stop_reason == ("the submission has more than 100 files and folders; only "
                                   "the first 100 were looked at")
    assert "zz" in listing.notebooks()  # the top folder is seen first

    nested = tmp_path / "nested"
    many_files(nested / "zz" / "deep", 500)
    (nested / "aa").mkdir()
    (nested / "aa" / "ex.ipynb").write_text(notebook_text("a"))
    listing = list_submission(nested, max_files=100, deadline=LATER)
    assert "ex" in listing.notebooks()  # breadth first: one level down before two

    many_files(tmp_path / "links", 0)
    for i in range(300):
        (tmp_path / "links" / f"l{i}").symlink_to("/etc/passwd")
    listing = list_submission(tmp_path / "links", max_files=50, deadline=LATER)
    assert len(listing.skipped) == 50 and not listing.complete
    assert len(listing.notes()) == sf.MAX_NOTES + 2  # 20 named, "30 more", the stop reason


def test_notebooks_top_level_wins_and_hidden_folders_are_skipped(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ex.ipynb").write_text(notebook_text("sub"))
    (tmp_path / "ex.ipynb").write_text(notebook_text("top"))
    (tmp_path / ".ipynb_checkpoints").mkdir()
    (tmp_path / ".ipynb_checkpoints" / "other.ipynb").write_text(notebook_text("x"))
    (tmp_path / ".hidden.ipynb").write_text(notebook_text("x"))
    listing = list_submission(tmp_path, deadline=LATER)
    assert {k: v.relative.as_posix() for k, v in listing.notebooks().items()} == {
        "ex": "ex.ipynb"}
    assert {s.relative.as_posix() for s in listing.skipped if s.kind == "hidden"} == {
        ".hidden.ipynb", ".ipynb_checkpoints"}
    assert listing.notes() == []  # hidden entries are not worth a line in the report


# --- copying the other files ------------------------------------------------------------


def test_copy_keeps_to_the_budget_and_leaves_out_modules_hidden_and_links(tmp_path):
    sub = tmp_path / "sub"
    (sub / "data").mkdir(parents=True)
    (sub / "a.csv").write_bytes(b"a" * 600_000)
    (sub / "b.csv").write_bytes(b"b" * 600_000)
    (sub / "data" / "c.csv").write_bytes(b"c" * 100_000)
    for name in ("pandas.py", "hmac.pyc", "evil.pth", "ext.so", "lib.zip", "mod.PY",
                 "ex.ipynb", "timestamp.txt"):
        (sub / name).write_text("x")
    (sub / ".ipython" / "profile_default" / "startup").mkdir(parents=True)
    (sub / ".ipython" / "profile_default" / "startup" / "00.py").write_text("x")
    (sub / ".secret").write_text("x")
    (sub / "passwd").symlink_to("/etc/passwd")
    os.mkfifo(sub / "pipe.csv")

    out = tmp_path / "out"
    listing = list_submission(sub, deadline=LATER)
    notes = copy_data_files(listing, out, budget_mb=1, skip_names={"timestamp.txt"})
    copied = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert copied == ["a.csv", "data/c.csv"]
    assert sum((out / p).stat().st_size for p in copied) <= MB
    assert (out / "a.csv").read_bytes() == b"a" * 600_000
    assert notes == [
        "b.csv (586 KB) was not copied: the submission's other files may take 1 MB in all",
        "6 files Python could import (.py and the like) were not copied beside the notebook"]
    assert sorted(listing.notes()) == ["passwd is a link, not a file; it was ignored",
                                       "pipe.csv is a named pipe, not a file; it was ignored"]


def test_copy_does_not_write_through_a_link_in_the_destination(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "a.csv").write_text("new")
    victim = tmp_path / "victim.txt"
    victim.write_text("keep")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").symlink_to(victim)
    notes = copy_data_files(list_submission(sub, deadline=LATER), out)
    assert victim.read_text() == "keep"
    assert len(notes) == 1 and notes[0].startswith("a.csv could not be copied")


def test_weird_names_are_printable_in_the_report(tmp_path):
    (tmp_path / "bad\nname.csv").symlink_to("/etc/passwd")
    listing = list_submission(tmp_path, deadline=LATER)
    assert listing.notes() == ["bad?name.csv is a link, not a file; it was ignored"]
    assert json.dumps(listing.notes())  # and safe to put anywhere
