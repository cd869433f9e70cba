"""The learner's my-work/ folder: their own copies of the exercises, never overwritten.

    python -m sociallearning.workspace prepare [--work FOLDER]
    python -m sociallearning.workspace where

`prepare` makes the learner's version of every exercise with nbgrader's own
generate_assignment (solutions and hidden tests removed), in a temporary course folder,
and copies each notebook to my-work/<name>/<name>.ipynb:
- where the learner has none yet (or deleted theirs), it is copied;
- where the learner's copy is one the course shipped and never edited, it is updated;
- where the learner edited theirs, it is left alone and the new version goes beside it
  as <name>.course-update-<short hash>.ipynb, with a message saying so.
"Edited" means a change in any cell's text or type; outputs from running cells and
metadata that Jupyter adds on save do not count.

my-work/.course-versions.json records what was shipped. When nothing in
exercises/source changed since the last run (and no notebook is missing), prepare
says so and stops without running nbgrader.
"""

import argparse
import fnmatch
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from sociallearning.exercises import NEVER_RELEASED, exercise_names, exercises_folder
from sociallearning.paths import course_home

VERSIONS_FILE = ".course-versions.json"
IGNORED_IN_SOURCE = (".ipynb_checkpoints", "__pycache__", "*.pyc", ".DS_Store")


def default_work_folder(home: Path | None = None) -> Path:
    """my-work/ at the top of the course repository (`home`, else the course home)."""
    return Path(home or course_home()) / "my-work"


# --- fingerprints ---------------------------------------------------------------------


def _ignored(relative: Path) -> bool:
    return any(fnmatch.fnmatch(part, pattern)
               for part in relative.parts for pattern in IGNORED_IN_SOURCE)


def source_fingerprint(source: Path) -> str:
    """One hash of every file (name and content) under exercises/source."""
    digest = hashlib.sha256()
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if path.is_file() and not _ignored(relative):
            digest.update(relative.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def content_hash(nb) -> str:
    """Hash of what a learner writes: each cell's type and text (not outputs, metadata)."""
    cells = [[cell.cell_type, cell.source] for cell in nb.cells]
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


# --- running nbgrader -----------------------------------------------------------------


class ReleaseFailed(RuntimeError):
    """nbgrader could not make the learner's version of an exercise."""


def _nbgrader_error(log: str, error: str) -> str:
    """The exception messages in nbgrader's log: they say what went wrong."""
    found = re.findall(r"^\s*[\w.]*(?:Error|Exception): (.+)$", log + "\n" + error, re.M)
    generic = "see the the above traceback"
    messages = [message.strip() for message in found if generic not in message]
    return "; ".join(dict.fromkeys(messages)) or "no details given"


def generate_release(source: Path, name: str, course_root: Path) -> Path:
    """Run nbgrader's generate_assignment for one exercise in `course_root` (a temp folder).

    Same as `nbgrader generate_assignment NAME --no-db --force` run in a course folder
    whose source/ holds a copy of the exercise: no gradebook is written anywhere.
    Returns the path of the learner's version of the notebook.
    """
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.utils import capture_log
    from traitlets.config import Config

    shutil.copytree(source / name, course_root / "source" / name,
                    ignore=shutil.ignore_patterns(*IGNORED_IN_SOURCE), dirs_exist_ok=True)
    config = Config()
    config.CourseDirectory.root = str(course_root)
    config.CourseDirectory.assignment_id = name
    # What `--no-db` sets; the db_url only makes sure nothing could land elsewhere.
    config.CourseDirectory.db_url = f"sqlite:///{course_root / 'gradebook.db'}"
    config.GenerateAssignment.no_database = True
    config.SaveCells.enabled = False
    config.CourseDirectory.ignore = [*CourseDirectory().ignore,
                                     *NEVER_RELEASED]
    converter = GenerateAssignment(coursedir=CourseDirectory(config=config), config=config)
    converter.force = True
    result = capture_log(converter)
    release = course_root / "release" / name / f"{name}.ipynb"
    if not result["success"] or not release.is_file():
        details = _nbgrader_error(result.get("log", ""), result.get("error", ""))
        raise ReleaseFailed(
            f"nbgrader could not make the learner's version of {name} ({details}). "
            f"Run `nbgrader generate_assignment {name}` in a course folder for the full log."
        )
    return release


# --- the learner's folder -------------------------------------------------------------


@dataclass
class Outcome:
    """What prepare did with one exercise."""

    name: str
    action: str  # new, restored, updated, up to date, edits kept, update beside, failed
    message: str
    path: Path | None = None


@dataclass
class PrepareReport:
    skipped: bool = False  # nothing changed since the last run
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.action == "failed"]


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write a whole file or nothing: an interrupted run never leaves half a notebook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        # mkstemp makes owner-only files; give the learner's files the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_versions(work: Path) -> dict:
    """The record of what was shipped; empty (a first run) if missing or unreadable."""
    try:
        versions = json.loads((work / VERSIONS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return versions if isinstance(versions, dict) else {}


def _learner_hash(path: Path) -> str | None:
    import nbformat

    try:
        return content_hash(nbformat.read(str(path), as_version=4))
    except Exception:  # unreadable: treat as the learner's own, never overwrite it
        return None


def place(name: str, release: Path, work: Path, record: dict) -> tuple[Outcome, dict]:
    """Put one exercise's new learner version into `work`; never overwrite edits.

    `record` holds what was shipped before: {"shipped": hash, "earlier": [hashes]}.
    Returns what happened and the record to keep.
    """
    import nbformat  # imported only when there is work to do: it takes a second

    data = release.read_bytes()
    new = content_hash(nbformat.reads(data.decode("utf-8"), as_version=4))
    known = {record.get("shipped"), *record.get("earlier", [])} - {None}
    mine = work / name / f"{name}.ipynb"
    if not mine.exists():
        _write_atomically(mine, data)
        action = "restored" if record else "new"
        words = "restored (it was missing)" if record else "new"
        outcome = Outcome(name, action, f"{words}: {_shown(mine)}", mine)
    else:
        current = _learner_hash(mine)
        if current == new:
            outcome = Outcome(name, "up to date", "up to date", mine)
        elif current in known:
            _write_atomically(mine, data)
            outcome = Outcome(name, "updated",
                              f"updated to the new course version (you had not changed it): "
                              f"{_shown(mine)}", mine)
        elif new == record.get("shipped"):
            outcome = Outcome(name, "edits kept",
                              "no change in the course; your edited notebook is as you left it",
                              mine)
        else:
            beside = mine.with_name(f"{name}.course-update-{new[:8]}.ipynb")
            if not beside.exists() or beside.read_bytes() != data:
                _write_atomically(beside, data)
            outcome = Outcome(
                name, "update beside",
                f"the course has a new version. Your edited notebook {_shown(mine)} is "
                f"untouched; the new version is beside it: {_shown(beside)}. Copy over what "
                f"you need, then delete the file you no longer want.",
                beside,
            )
    earlier = sorted(known - {new})
    return outcome, {"shipped": new, "earlier": earlier}


def _say(line: str) -> None:
    print(line, flush=True)  # `make lab` replaces this process right after: don't buffer


def prepare(work: Path | None = None, *, home: Path | None = None, say=_say) -> PrepareReport:
    """Bring my-work/ up to date with exercises/source (see the module docstring)."""
    work = Path(work) if work is not None else default_work_folder(home)
    source = exercises_folder(home)
    names = exercise_names(home)
    if not names:
        raise FileNotFoundError(
            f"No exercises found in {source} (each is <name>/<name>.ipynb). Run this from "
            f"the course repository, or set SOCIALLEARNING_HOME to the course folder."
        )
    versions = read_versions(work)
    records = versions.get("exercises", {}) if isinstance(versions.get("exercises"), dict) else {}
    fingerprint = source_fingerprint(source)
    # Records of exercises that left the course stay (see below), so: a record for each name.
    everything_there = set(names) <= set(records) and all(
        (work / name / f"{name}.ipynb").exists() for name in names)
    if versions.get("source_fingerprint") == fingerprint and everything_there:
        say(f"{_shown(work)} is up to date: nothing changed in the exercises since last time.")
        return PrepareReport(skipped=True)

    say(f"Preparing your exercises in {_shown(work)} ({len(names)} exercises, "
        f"learner versions made by nbgrader generate_assignment):")
    report = PrepareReport()
    new_records = {}
    with tempfile.TemporaryDirectory(prefix="sociallearning-release-") as course_root:
        for name in names:
            try:
                release = generate_release(source, name, Path(course_root))
                outcome, new_records[name] = place(name, release, work, records.get(name, {}))
            except (ReleaseFailed, OSError, ValueError) as error:
                outcome = Outcome(name, "failed", f"not prepared: {error}")
                if name in records:
                    new_records[name] = records[name]
            report.outcomes.append(outcome)
            say(f"  {name}: {outcome.message}")
    # Keep records of exercises that left the course, in case they come back.
    kept = {name: record for name, record in records.items() if name not in new_records}
    versions = {
        # Without a fingerprint the next run retries instead of skipping a failure.
        "source_fingerprint": None if report.failed else fingerprint,
        "exercises": {**kept, **new_records},
    }
    _write_atomically(work / VERSIONS_FILE,
                      (json.dumps(versions, indent=1, sort_keys=True) + "\n").encode())
    if report.failed:
        say(f"{len(report.failed)} exercise(s) could not be prepared; the others are ready.")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sociallearning.workspace",
        description="Your own copies of the exercises, in my-work/.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    prepare_command = commands.add_parser(
        "prepare", help="copy new and updated exercises into my-work/, never overwriting edits")
    prepare_command.add_argument("--work", type=Path, default=None,
                                 help="the folder for your copies (default: my-work/)")
    commands.add_parser("where", help="print where your copies are")
    args = parser.parse_args(argv)
    if args.command == "where":
        print(default_work_folder())
        return 0
    try:
        report = prepare(args.work)
    except FileNotFoundError as error:
        print(error, file=sys.stderr)
        return 1
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
