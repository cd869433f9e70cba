"""Grading workers: forked once per batch, each starting the next notebook's kernel while
the current one runs.

The parent (`batch.autograde`) loads every exercise's checks first, then forks `jobs`
workers, so they inherit the checks already imported. It hands out submissions by index
over one pipe per worker: two to each at first, then one more for each result, so a
worker holds the submission it grades and the next one. It grades each with
`grade_one.grade_submission`, unchanged, and sends the result back; the parent alone
writes the gradebook.

Kernels ahead of need: as soon as a worker is handed a submission, it lists the
submission's files, copies its data files into a scratch folder of its own (exactly as
grade_one does, with the same functions and limits) and starts a kernel there, in a
fresh sandbox of its own (`execute.Kernel`). When grade_one then runs the notebook
(`execute.run_notebook`), it is given that kernel instead of starting one, but only if
the files grade_one put in its own scratch folder are the very files the kernel was
started with (same names, same bytes) under the same limits; otherwise that kernel is
closed and a fresh one started as usual. Nothing of a submission is in the kernel before
its notebook runs but its own data files; a kernel never serves a second notebook, and
kernels that are not used are closed with their sandboxes.

A worker that dies (killed, out of memory) fails only the submission it was grading,
with a reason; the one it held next goes back in line, and the worker is replaced while
submissions are left.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path

from autograder import execute, grade_one, submission_files

AHEAD = 1  # submissions a worker holds beyond the one it grades


def scratch_manifest(folder: Path) -> tuple:
    """What a scratch folder holds before its kernel starts: each entry's path, kind, size
    and content hash (links are listed, never followed)."""
    entries = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(root) / name
            relative = path.relative_to(folder).as_posix()
            info = path.lstat()
            if path.is_symlink():
                entries.append((relative, "link", os.readlink(path)))
            elif path.is_dir():
                entries.append((relative, "dir"))
            else:
                digest = hashlib.sha256()
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(block)
                entries.append((relative, "file", info.st_size, digest.hexdigest()))
    return tuple(entries)


@dataclass
class _Started:
    kernel: execute.Kernel
    manifest: tuple
    folder: Path


@dataclass
class KernelsAhead:
    """A worker's kernels started ahead of need, per submission (task index)."""

    tasks: list
    loop: object
    current: int | None = None
    started: dict[int, list[_Started]] = field(default_factory=dict)
    wanted: dict[int, int] = field(default_factory=dict)  # kernels a submission may use
    handed: dict[int, int] = field(default_factory=dict)

    def prepare(self, index: int) -> None:
        """Start a kernel for the next notebook of submission `index` (never raises: a
        kernel that cannot be started ahead is started by grade_one as usual)."""
        task = self.tasks[index]
        folder = None
        try:
            deadline = time.monotonic() + grade_one.PREPARE_SECONDS
            listing = submission_files.list_submission(Path(task.submitted_dir),
                                                       deadline=deadline)
            # At most one kernel per notebook that may be graded.
            self.wanted[index] = min(len(task.notebooks), len(listing.notebooks()))
            if self.handed.get(index, 0) + len(self.started.get(index, [])) \
                    >= self.wanted[index]:
                return
            folder = Path(tempfile.mkdtemp(prefix=f"autograde-{grade_one.worker_slot()}-ahead-"))
            scratch = folder / "work"
            scratch.mkdir()
            submission_files.copy_data_files(
                listing, scratch, budget_mb=grade_one.MAX_OTHER_FILES_MB,
                skip_names={"timestamp.txt"}, deadline=deadline)
            manifest = scratch_manifest(scratch)
            kernel = execute.Kernel(scratch, task.limits, task.use_sandbox)
        except Exception:  # noqa: BLE001 - grade_one will start this kernel itself
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
            return
        kernel.cleanup.append(lambda: shutil.rmtree(folder, ignore_errors=True))
        kernel.start(self.loop)
        self.started.setdefault(index, []).append(_Started(kernel, manifest, folder))

    def take(self, scratch: Path, limits, use_sandbox: bool) -> execute.Kernel | None:
        """For execute.run_notebook: a kernel started for exactly this scratch folder's
        files and these limits, or None."""
        index = self.current
        waiting = self.started.get(index)
        if index is None or not waiting:
            return None
        task = self.tasks[index]
        if limits != task.limits or use_sandbox != task.use_sandbox:
            return None
        try:
            manifest = scratch_manifest(scratch)
        except OSError:
            return None
        for entry in waiting:
            if entry.manifest == manifest:
                waiting.remove(entry)
                self.handed[index] = self.handed.get(index, 0) + 1
                if not waiting and self.handed[index] < self.wanted.get(index, 0):
                    self.prepare(index)  # the submission's next notebook
                return entry.kernel
        return None

    def finish(self, index: int) -> None:
        """Close the kernels of submission `index` that were not used."""
        for entry in self.started.pop(index, []):
            self.loop.run_until_complete(entry.kernel.close())
        self.wanted.pop(index, None)
        self.handed.pop(index, None)

    def close_all(self) -> None:
        for index in list(self.started):
            self.finish(index)


def _worker(conn, tasks: list) -> None:
    """A worker process: grade the submissions the parent sends, until it sends None."""
    loop = execute.event_loop()
    ahead = KernelsAhead(tasks, loop)
    execute.kernel_supplier = ahead.take
    held: deque[int] = deque()
    state = {"done": False}

    def receive() -> None:
        try:
            while not state["done"] and conn.poll():
                message = conn.recv()
                if message is None:
                    state["done"] = True
                else:
                    held.append(message)
                    ahead.prepare(message)
        except (EOFError, OSError):  # the parent is gone: stop after this one
            state["done"] = True
            held.clear()
        if state["done"]:
            loop.remove_reader(conn.fileno())

    # New submissions arrive while a notebook runs: start their kernels right away.
    loop.add_reader(conn.fileno(), receive)
    try:
        while True:
            receive()
            if not held and not state["done"]:
                conn.poll(None)
                continue
            if not held:
                return
            index = held.popleft()
            ahead.current = index
            result = grade_one.grade_submission(tasks[index])
            ahead.current = None
            ahead.finish(index)
            conn.send((index, result))
    finally:
        loop.remove_reader(conn.fileno())
        execute.kernel_supplier = None
        ahead.close_all()


@dataclass
class _Worker:
    process: object
    conn: object
    held: list[int] = field(default_factory=list)
    closed: bool = False  # told that nothing more will come
    ended: bool = False  # its end of the pipe is gone


def grade_all(tasks: list, jobs: int, on_result: Callable[[int, object, str], None]) -> None:
    """Grade every task with `jobs` forked workers; call on_result(index, result, "") for
    each, or on_result(index, None, why) for a task whose worker died, in the parent,
    as each finishes."""
    context = get_context("fork")
    pending = deque(range(len(tasks)))
    workers: list[_Worker] = []

    def give(worker: _Worker) -> None:
        if worker.closed:
            return
        if pending:
            index = pending.popleft()
            worker.held.append(index)
            worker.conn.send(index)
        else:
            worker.conn.send(None)
            worker.closed = True

    def start_worker() -> None:
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_worker, args=(child_end, tasks), daemon=True,
                                  name=f"autograde-worker-{len(workers) + 1}")
        process.start()
        child_end.close()
        worker = _Worker(process, parent_end)
        workers.append(worker)
        for _ in range(1 + AHEAD):
            give(worker)

    def handle(worker: _Worker) -> None:
        """One message from the worker (a result), or the end of its pipe."""
        try:
            index, result = worker.conn.recv()
        except (EOFError, OSError):
            worker.ended = True
            return
        worker.held.remove(index)
        give(worker)
        on_result(index, result, "")

    try:
        for _ in range(max(1, min(jobs, len(tasks)))):
            start_worker()
        while pending or any(w.held for w in workers):
            if not workers:
                start_worker()
            ready = wait([w.conn for w in workers if not w.ended]
                         + [w.process.sentinel for w in workers])
            for worker in list(workers):
                if worker.conn in ready:
                    handle(worker)
                if worker.process.sentinel in ready:
                    while not worker.ended and worker.conn.poll():
                        handle(worker)  # results it sent before it ended
                    worker.process.join()
                    workers.remove(worker)
                    worker.conn.close()
                    if worker.held:  # it died grading the first; the others wait again
                        index, *waiting = worker.held
                        pending.extendleft(reversed(waiting))
                        worker.held.clear()
                        on_result(index, None, "its grading worker process stopped (exit "
                                               f"code {worker.process.exitcode})")
                    if pending:
                        start_worker()
    finally:
        for worker in workers:
            if worker.process.is_alive() and not worker.closed:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        for worker in workers:
            worker.process.join(timeout=30)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
