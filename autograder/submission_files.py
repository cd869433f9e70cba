"""Everything the grader reads from a submission folder, read safely.

A submission is hostile input, read by the grader outside the sandbox. So here:
- a folder is walked without following links, breadth first (the files at the top
  are seen before a deep subfolder), within a file count and a deadline;
- only regular files are ever opened, and only without following a link
  (O_NOFOLLOW, every folder on the way opened the same way when the submission folder
  is given), without blocking (O_NONBLOCK: a named pipe cannot hang the grader), and
  checked again on the open descriptor (fstat) before a byte is read;
- a file's size is checked before it is read, and no more than the limit plus one byte
  is ever read (a file may grow while it is read);
- every refusal is a `SubmissionFileError` whose message says, in plain words a student
  can act on, what was wrong and what to do.
"""

import errno
import os
import re
import stat
import time
from collections import deque
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath

import nbformat
from nbformat import NotebookNode

MB = 1024 * 1024
CHUNK = 1024 * 1024
MAX_NOTEBOOK_MB = 20
MAX_NOTES = 20  # skipped entries named one by one in notes; the rest are counted
MAX_RENAMED_CANDIDATES = 20
# JSON lists and objects a notebook may hold: 20 MB of "[]," parses to about 7 million
# Python lists, 1 GB and 6 s in the grader; a million stays near 150 MB.
MAX_JSON_CONTAINERS = 1_000_000
# Files Python would import from the kernel's working directory (grade_one's list).
IMPORTABLE_SUFFIXES = (".py", ".pyc", ".pyw", ".pth", ".so", ".pyd", ".zip", ".egg")
_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
_DIR_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_DIRECTORY | os.O_CLOEXEC


_clock = time.monotonic  # the deadline's clock (tests replace it)


def _lstat(name: str | Path, dir_fd: int | None) -> os.stat_result:
    return os.stat(name, dir_fd=dir_fd, follow_symlinks=False)


class SubmissionFileError(ValueError):
    """A submitted file the grader will not read; str() tells the student what to do.

    `kind` says why in one word: "link", "named pipe", "device", "socket", "folder",
    "special", "too large", "missing", "unreadable", "invalid", "outside".
    """

    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class SubmittedFile:
    relative: PurePosixPath  # inside the submission folder
    path: Path  # the folder joined with `relative`
    size: int  # bytes, from lstat when listed


@dataclass(frozen=True)
class Skipped:
    relative: PurePosixPath
    kind: str  # "link", "named pipe", "device", "socket", "hidden", "special", "unreadable"
    message: str  # plain words, for the report
    what: str = ""  # "a named pipe, not a file"


@dataclass
class Listing:
    folder: Path
    files: list[SubmittedFile] = field(default_factory=list)  # regular files only
    skipped: list[Skipped] = field(default_factory=list)
    stop_reason: str = ""  # why the walk stopped early ("" when it saw everything)
    seen: int = 0  # entries looked at

    @property
    def complete(self) -> bool:
        return not self.stop_reason

    def notebooks(self) -> dict[str, SubmittedFile]:
        """name (without .ipynb) -> file; a notebook at the top wins over one in a subfolder."""
        found: dict[str, SubmittedFile] = {}
        for item in sorted(self.files, key=lambda f: (len(f.relative.parts), f.relative)):
            if item.relative.suffix == ".ipynb":
                found.setdefault(item.relative.stem, item)
        return found

    def refused_notebook(self, name: str) -> str:
        """Why `name`.ipynb was found but is not a file the grader reads ("" if it was not)."""
        for item in sorted(self.skipped, key=lambda s: (len(s.relative.parts), s.relative)):
            if item.relative.name == f"{name}.ipynb" and item.what:
                return f"{shown(item.relative)} is {item.what}; submit the notebook itself"
        return ""

    def notes(self) -> list[str]:
        """What was skipped and why, in plain words, the first MAX_NOTES by name."""
        notes = [s.message for s in self.skipped if s.kind != "hidden"][:MAX_NOTES]
        left = sum(s.kind != "hidden" for s in self.skipped) - len(notes)
        if left:
            notes.append(f"{left} more entries that are not plain files were ignored")
        if self.stop_reason:
            notes.append(self.stop_reason)
        return notes


def shown(name: str | os.PathLike) -> str:
    """A submitted name as it can be printed in a report: no control characters, not too long."""
    text = re.sub(r"[\x00-\x1f\x7f]", "?", str(name))
    return text if len(text) <= 120 else text[:100] + "..." + text[-17:]


def _size_words(size: float) -> str:
    if size >= MB:
        value = size / MB
        return f"{value:g} MB" if value == int(value) else f"{value:.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.0f} KB"
    return f"{int(size)} bytes"


_KINDS = {  # stat test -> (kind, words after "is")
    stat.S_ISLNK: ("link", "a link, not a file"),
    stat.S_ISFIFO: ("named pipe", "a named pipe, not a file"),
    stat.S_ISCHR: ("device", "a device, not a file"),
    stat.S_ISBLK: ("device", "a device, not a file"),
    stat.S_ISSOCK: ("socket", "a socket, not a file"),
    stat.S_ISDIR: ("folder", "a folder, not a file"),
}


def _kind(mode: int) -> tuple[str, str]:
    for test, kind in _KINDS.items():
        if test(mode):
            return kind
    return "special", "not a regular file"


# --- walking a folder ---------------------------------------------------------------


def list_submission(folder: Path, *, max_files: int = 2000, deadline: float) -> Listing:
    """The regular files in `folder` (links never followed), and what was skipped and why.

    Breadth first, each folder's entries by name. Every entry looked at counts towards
    `max_files` (folders, links and pipes too, so a folder of a million links is as
    bounded as one of a million files); at `max_files` or at `deadline` (a
    time.monotonic() value) the walk stops and `stop_reason` says so. Hidden files and
    folders (name starting with ".", so also .ipynb_checkpoints) are skipped unopened.
    """
    folder = Path(folder)
    listing = Listing(folder)
    try:
        info = os.lstat(folder)
    except OSError as error:
        raise SubmissionFileError(f"the submission folder {shown(folder)} could not be read "
                                  f"({error.strerror})", "unreadable") from None
    if not stat.S_ISDIR(info.st_mode):
        raise SubmissionFileError(f"the submission {shown(folder)} is {_kind(info.st_mode)[1]}",
                                  _kind(info.st_mode)[0])
    pending: deque[PurePosixPath] = deque([PurePosixPath()])
    while pending:
        relative_dir = pending.popleft()
        try:
            # Each folder on the way opened without following a link (one swapped for a
            # link after it was listed is not entered).
            fd = _open_folder(folder, relative_dir.parts)
        except OSError as error:
            listing.skipped.append(Skipped(relative_dir, "unreadable",
                                           f"folder {shown(relative_dir)} could not be read "
                                           f"({error.strerror}) and was ignored"))
            continue
        try:
            if not _list_folder(listing, fd, relative_dir, max_files - listing.seen, deadline,
                                pending):
                return listing
        finally:
            os.close(fd)
    return listing


def _list_folder(listing: Listing, fd: int, relative_dir: PurePosixPath, left: int,
                 deadline: float, pending: deque) -> bool:
    """Add one folder's entries to the listing; False when the walk must stop."""
    with os.scandir(fd) as entries:
        # Never more entries than the walk may still look at (a huge folder is not read
        # to its end), sorted so the result does not depend on the disk.
        batch = sorted(islice(entries, left + 1), key=lambda e: e.name)
    for entry in batch:
        if _clock() > deadline:
            listing.stop_reason = ("listing the submission's files took too long; only the "
                                   f"first {listing.seen} entries were looked at")
            return False
        if left <= 0:
            listing.stop_reason = (
                f"the submission has more than {listing.seen} files and folders; only the "
                f"first {listing.seen} were looked at")
            return False
        left -= 1
        listing.seen += 1
        relative = relative_dir / entry.name
        if entry.name.startswith("."):
            listing.skipped.append(Skipped(relative, "hidden", f"hidden {shown(relative)} was "
                                                               "ignored"))
            continue
        try:
            info = entry.stat(follow_symlinks=False)  # fstatat on the open folder
        except OSError as error:
            listing.skipped.append(Skipped(relative, "unreadable",
                                           f"{shown(relative)} could not be read "
                                           f"({error.strerror}) and was ignored"))
            continue
        if stat.S_ISDIR(info.st_mode):
            pending.append(relative)
        elif stat.S_ISREG(info.st_mode):
            listing.files.append(SubmittedFile(relative, listing.folder / relative,
                                               info.st_size))
        else:
            kind, words = _kind(info.st_mode)
            listing.skipped.append(Skipped(relative, kind,
                                           f"{shown(relative)} is {words}; it was ignored",
                                           words))
    return True


# --- reading one file ----------------------------------------------------------------


def _open_folder(root: Path, parts: Iterable[str]) -> int:
    """A descriptor of root/parts..., no link followed at root or below (O_NOFOLLOW each)."""
    fd = os.open(root, _DIR_FLAGS)
    try:
        for part in parts:
            next_fd = os.open(part, _DIR_FLAGS, dir_fd=fd)
            os.close(fd)
            fd = next_fd
    except BaseException:
        os.close(fd)
        raise
    return fd


def _open_regular(path: Path, beneath: Path | None, label: str,
                  thing: str = "file") -> tuple[int, os.stat_result]:
    """An open descriptor of the regular file at `path`, and its fstat; never follows a link.

    With `beneath`, `path` must lie inside it and every folder on the way is opened
    without following a link too (a folder swapped for a link after listing is refused).
    """
    parent_fd = None
    try:
        if beneath is not None:
            try:
                parts = Path(path).relative_to(beneath).parts
            except ValueError:
                raise SubmissionFileError(f"{label} is not inside the submission folder",
                                          "outside") from None
            if not parts or any(p in (".", "..") for p in parts):
                raise SubmissionFileError(f"{label} is not a file in the submission", "outside")
            parent_fd = _open_folder(beneath, parts[:-1])
            name: str | Path = parts[-1]
        else:
            name = path
        # Look before opening: a device or pipe is refused without being opened at all.
        before = _lstat(name, parent_fd)
        if not stat.S_ISREG(before.st_mode):
            kind, words = _kind(before.st_mode)
            raise SubmissionFileError(f"{label} is {words}; submit the {thing} itself", kind)
        fd = os.open(name, _OPEN_FLAGS, dir_fd=parent_fd)
    except OSError as error:
        raise _open_error(error, label, thing) from None
    finally:
        if parent_fd is not None:
            os.close(parent_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or (info.st_dev, info.st_ino) != (before.st_dev,
                                                                               before.st_ino):
            kind, words = _kind(info.st_mode)
            if stat.S_ISREG(info.st_mode):
                kind, words = "special", "changing while it is read"
            raise SubmissionFileError(f"{label} is {words}; submit the {thing} itself", kind)
    except BaseException:
        os.close(fd)
        raise
    return fd, info


def _open_error(error: OSError, label: str, thing: str) -> SubmissionFileError:
    if error.errno == errno.ELOOP:  # O_NOFOLLOW met a link
        return SubmissionFileError(f"{label} is a link, not a file; submit the {thing} itself",
                                   "link")
    if error.errno == errno.ENOTDIR:
        return SubmissionFileError(f"{label} is inside something that is not a folder "
                                   f"(a link?); submit the {thing} itself", "link")
    if error.errno == errno.ENOENT:
        return SubmissionFileError(f"{label} is missing", "missing")
    if error.errno == errno.ENXIO:  # opening a socket
        return SubmissionFileError(f"{label} is a socket, not a file; submit the {thing} itself",
                                   "socket")
    return SubmissionFileError(f"{label} could not be read ({error.strerror})", "unreadable")


def _too_large(label: str, max_bytes: int, advice: str) -> SubmissionFileError:
    return SubmissionFileError(f"{label} is larger than {_size_words(max_bytes)}; {advice}",
                               "too large")


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, total = [], 0
    while total < limit:
        chunk = os.read(fd, min(CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_regular_file(path: Path, max_bytes: int, *, beneath: Path | None = None,
                      advice: str = "make it smaller and submit again",
                      thing: str = "file") -> bytes:
    """The bytes of the regular file at `path`, or SubmissionFileError saying why not.

    Never follows a link, never blocks on a pipe, never opens a device; refuses a file
    larger than `max_bytes` before reading it, and reads at most `max_bytes` + 1 bytes
    (so a file that grows while it is read is refused too). `advice` ends the message
    for a file that is too large; `thing` names what the student should submit instead
    of a link, pipe or device.
    """
    label = shown(Path(path).relative_to(beneath) if beneath is not None and
                  Path(path).is_relative_to(beneath) else Path(path).name)
    fd, info = _open_regular(Path(path), beneath, label, thing)
    try:
        if info.st_size > max_bytes:
            raise _too_large(label, max_bytes, advice)
        data = _read_at_most(fd, max_bytes + 1)
    except OSError as error:
        raise SubmissionFileError(f"{label} could not be read ({error.strerror})",
                                  "unreadable") from None
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        raise _too_large(label, max_bytes, advice)
    return data


def read_notebook(path: Path, max_mb: float = MAX_NOTEBOOK_MB, *,
                  beneath: Path | None = None) -> NotebookNode:
    """The submitted notebook (nbformat 4), or SubmissionFileError with a reason to act on."""
    data = read_regular_file(path, int(max_mb * MB), beneath=beneath,
                             advice="clear its outputs and submit again", thing="notebook")
    label = shown(Path(path).name)
    if data.count(b"[") + data.count(b"{") > MAX_JSON_CONTAINERS:
        raise SubmissionFileError(f"{label} has too many parts to be a notebook (more than "
                                  f"{MAX_JSON_CONTAINERS:,} lists and objects); clear its "
                                  "outputs and submit again", "too large")
    try:
        return nbformat.reads(data.decode("utf-8"), as_version=4)
    except Exception as error:  # noqa: BLE001 - nbformat and json raise many kinds
        if isinstance(error, UnicodeDecodeError):
            reason = "it is not UTF-8 text"
        else:
            reason = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        raise SubmissionFileError(f"{label} is not a valid notebook ({reason}); open it in "
                                  "Jupyter, save it, and submit again", "invalid") from None


# --- a renamed notebook --------------------------------------------------------------


def _grade_ids(notebook: NotebookNode) -> set[str]:
    ids = set()
    for cell in notebook.get("cells", []):
        metadata = cell.get("metadata") if isinstance(cell, dict) else None
        info = metadata.get("nbgrader") if isinstance(metadata, dict) else None
        if isinstance(info, dict) and isinstance(info.get("grade_id"), str):
            ids.add(info["grade_id"])
    return ids


def find_renamed(expected_grade_ids: set[str], candidates: Iterable[Path], *,
                 max_mb: float = MAX_NOTEBOOK_MB, deadline: float,
                 max_candidates: int = MAX_RENAMED_CANDIDATES,
                 beneath: Path | None = None, notes: list[str] | None = None) -> Path | None:
    """The first candidate whose cells carry one of `expected_grade_ids`, or None.

    Each candidate's size is checked before it is read (a larger one is skipped unread);
    at most `max_candidates` are read, none after `deadline` (time.monotonic()). Why a
    candidate was passed over is appended to `notes` when it is given.
    """
    wanted = set(expected_grade_ids)
    if not wanted:
        return None
    notes = [] if notes is None else notes
    max_bytes = int(max_mb * MB)
    tried = 0
    for path in candidates:
        label = shown(Path(path).name)
        if _clock() > deadline:
            notes.append("the search for a renamed notebook ran out of time")
            return None
        if tried >= max_candidates:
            notes.append(f"only the first {max_candidates} other notebooks were searched for "
                         "a renamed one")
            return None
        try:
            size = os.lstat(path).st_size
            if size > max_bytes:  # the cheap check first: never read a huge candidate
                notes.append(f"{label} was not searched: it is larger than "
                             f"{_size_words(max_bytes)}")
                continue
            tried += 1
            notebook = read_notebook(path, max_mb, beneath=beneath)
        except SubmissionFileError as error:
            if error.kind != "invalid":  # an invalid notebook is simply not a match
                notes.append(f"{error} (not searched for a renamed notebook)")
            continue
        except OSError:
            continue
        if wanted & _grade_ids(notebook):
            return Path(path)
    return None


# --- the other files ------------------------------------------------------------------


def _is_hidden(relative: PurePosixPath) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _copy_one(source: Path, beneath: Path, target: Path, max_bytes: int, label: str) -> int:
    """Copy within `max_bytes` (checked before and while copying); returns the bytes copied."""
    fd, info = _open_regular(source, beneath, label)
    try:
        if info.st_size > max_bytes:
            raise _too_large(label, max_bytes, "")
        out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
                      | os.O_CLOEXEC, 0o644)
        copied = 0
        try:
            while True:
                chunk = os.read(fd, min(CHUNK, max_bytes + 1 - copied))
                if not chunk:
                    break
                copied += len(chunk)
                if copied > max_bytes:
                    raise _too_large(label, max_bytes, "")
                os.write(out, chunk)
        except BaseException:
            os.close(out)
            os.unlink(target)
            raise
        os.close(out)
        return copied
    finally:
        os.close(fd)


def copy_data_files(listing: Listing, destination: Path, *, budget_mb: float = 50,
                    skip_suffixes: Collection[str] = IMPORTABLE_SUFFIXES,
                    skip_names: Collection[str] = (),
                    deadline: float | None = None) -> list[str]:
    """Copy the listing's regular files into `destination`, within `budget_mb` in all.

    Never copied: links and anything but regular files (the listing holds none, and each
    file is opened again without following a link), hidden paths, notebooks, files whose
    suffix is in `skip_suffixes` (by default what Python would import from the working
    directory) or whose name is in `skip_names`. A file that does not fit in what is left
    of the budget is skipped and the next is tried. Returns notes in plain words about
    what was left out; files Python could import are counted in one note, not named, and
    notebooks, hidden files and `skip_names` are left out without a note.
    """
    destination = Path(destination)
    left = int(budget_mb * MB)
    skip = {s.lower() for s in skip_suffixes} | {".ipynb"}
    named: list[str] = []
    quiet = 0
    for item in sorted(listing.files, key=lambda f: f.relative):
        if deadline is not None and _clock() > deadline:
            named.append("copying the submission's other files took too long; the rest "
                         "were not copied")
            break
        label = shown(item.relative)
        if _is_hidden(item.relative) or item.relative.name in skip_names:
            continue
        if item.relative.suffix.lower() in skip:
            quiet += item.relative.suffix != ".ipynb"
            continue
        if item.size > left:
            named.append(f"{label} ({_size_words(item.size)}) was not copied: the submission's "
                         f"other files may take {_size_words(budget_mb * MB)} in all")
            continue
        target = destination / item.relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            left -= _copy_one(item.path, listing.folder, target, left, label)
        except SubmissionFileError as error:
            named.append(f"{error} (not copied)" if error.kind != "too large" else
                         f"{label} grew past what is left of the {_size_words(budget_mb * MB)} "
                         "for other files while it was copied; it was not copied")
        except OSError as error:
            named.append(f"{label} could not be copied ({error.strerror})")
    notes = named[:MAX_NOTES]
    if len(named) > MAX_NOTES:
        notes.append(f"{len(named) - MAX_NOTES} more files were not copied")
    if quiet:
        notes.append(f"{quiet} files Python could import (.py and the like) were not copied "
                     "beside the notebook")
    return notes
