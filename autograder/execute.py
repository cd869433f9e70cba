"""Run one notebook in a fresh kernel inside the sandbox, with every cap enforced.

The notebook client (nbclient) runs here, in the grader's worker process; only the
kernel runs in the sandbox, reached over Unix sockets in the scratch folder. So
nothing the student's code does can change how outputs are collected.

A notebook's kernel may be started ahead of need (`Kernel(...).start()`, then
`run_in_kernel` once the notebook's turn comes): a worker starts the next notebook's
kernel, in that notebook's own fresh sandbox and scratch folder, while the current one
runs. Each kernel serves exactly one notebook and is torn down with its sandbox after it.
Caps:
- per cell: `cell_seconds`, then the kernel is interrupted and the cell gets an error;
- per notebook: `notebook_seconds` of wall time, then the whole sandbox is killed;
- outputs: at most `output_kb` per notebook are kept (the rest is dropped, with a note);
- memory, processes, file size: rlimits set by the sandbox.
A kernel that dies or is killed leaves the cells run so far with their outputs; the
caller grades those and says where it stopped.
"""

import asyncio
import contextlib
import json
import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import zmq
from jupyter_client import AsyncKernelManager
from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from autograder import sandbox

# No message from the kernel may be larger than this: a bigger one is dropped by zmq
# before it reaches the grader's memory.
MAX_KERNEL_MESSAGE_BYTES = 4 * 1024 * 1024
# A busy machine starts kernels slowly.
STARTUP_SECONDS = 120
RECONNECT_MS = 10


class ReadyClient(AsyncKernelClient):
    """jupyter_client's async client, except in how it waits for a new kernel.

    The stock `wait_for_ready` ends with flushing the iopub channel until nothing came for
    0.2 s: 0.2 s of silence waited for by every notebook. Here waiting ends as soon as the
    kernel answered kernel_info on the shell channel AND its iopub channel delivered the
    `idle` status of that request (so iopub is known to be connected, which is what the
    stock check is for). Messages still queued are harmless: nbclient reads only the
    messages whose parent is the request it sent.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        asked: set[str] = set()
        while True:
            asked.add(self.kernel_info())
            if await self._answered(asked, min(1.0, max(0.0, deadline - time.monotonic()))):
                return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _answered(self, asked: set[str], seconds: float) -> bool:
        end = time.monotonic() + seconds
        while True:  # the reply on the shell channel
            try:
                msg = await self.shell_channel.get_msg(timeout=max(0.0, end - time.monotonic()))
            except Empty:
                return False
            if (msg["msg_type"] == "kernel_info_reply"
                    and msg["parent_header"].get("msg_id") in asked):
                self._handle_kernel_info_reply(msg)
                break
        end = time.monotonic() + 0.2  # (lost if iopub connected late: then ask again)
        while True:  # and its `idle` status on iopub: iopub is connected
            try:
                msg = await self.iopub_channel.get_msg(timeout=max(0.0, end - time.monotonic()))
            except Empty:
                return False
            if (msg["msg_type"] == "status"
                    and msg["content"].get("execution_state") == "idle"
                    and msg["parent_header"].get("msg_id") in asked):
                return True


class SandboxedKernelManager(AsyncKernelManager):
    """A python kernel whose command line is wrapped by the sandbox."""

    def setup(self, scratch: Path, limits: sandbox.Limits, box: "sandbox.Sandbox | None"):
        self.scratch, self.limits, self.box = scratch, limits, box
        self.use_sandbox = box is not None
        self.client_factory = ReadyClient
        self.transport = "ipc"
        self.ip = str(scratch / "kernel-ipc")
        self.connection_file = str(scratch / "kernel.json")
        self._kernel_spec = KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (sandboxed)",
            language="python",
            # Signals would reach bwrap, not the kernel: interrupt over the control channel.
            interrupt_mode="message",
            env={},
        )

    def format_kernel_cmd(self, extra_arguments=None):
        command = super().format_kernel_cmd(extra_arguments)
        if self.box is not None:
            self.box._hand_over()  # the connection file, written just now, is the kernel's
            return self.box.wrap(command)
        return sandbox.unsandboxed(command, self.limits)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        # The kernel's own stdout/stderr go nowhere: nothing it prints can reach the grader
        # except through the notebook protocol.
        kw["stdout"] = kw["stderr"] = kw["stdin"] = subprocess.DEVNULL
        if self.use_sandbox:
            kw["env"] = {}
        else:
            kw["env"] = sandbox.sandbox_environment(self.scratch)
            kw["cwd"] = str(self.scratch)
        return await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        # After the kill, look every 10 ms (not 100 ms) whether the kernel is gone.
        await super()._async_wait(pollinterval=0.01)


class GradingClient(NotebookClient):
    """nbclient that keeps at most a fixed amount of output per notebook, and lets the
    grader judge test cells: a test cell's source never runs in the kernel; its judge runs
    here (in a thread, since checks are plain functions) and calls the learner's functions
    in the kernel through `call_in_kernel`."""

    output_budget = 0
    outputs_dropped = False
    timed_out = False
    kernel_died = False
    judges: dict = {}  # cell index -> judge(call_in_sandbox) -> verdicts.Verdict
    calls_folder: Path | None = None
    calls_fd: int | None = None
    calls_made = 0

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        self.output_budget -= size
        if self.output_budget < 0:
            if not self.outputs_dropped:
                self.outputs_dropped = True
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text="[output limit reached: further output dropped]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        judge = self.judges.get(cell_index)
        if judge is None:
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        loop = asyncio.get_running_loop()

        def call_in_sandbox(function_name: str, request: str) -> bytes:
            future = asyncio.run_coroutine_threadsafe(
                self.call_in_kernel(function_name, request), loop)
            return future.result()

        verdict = await asyncio.to_thread(judge, call_in_sandbox)
        cell.outputs = verdict.outputs
        cell.execution_count = execution_count
        self.code_cells_executed += 1
        if self.kernel_died:
            raise DeadKernelError("the kernel died while a test called the learner's code")
        return cell

    async def call_in_kernel(self, function_name: str, request: str) -> bytes:
        """Run the learner's `function_name` on `request` (plain data) in the kernel; return
        the envelope it wrote (plain data, size-capped), or raise CouldNotCall."""
        from autograder.verdicts import CouldNotCall

        if self.kernel_died:
            raise CouldNotCall(f"{function_name}() was not called: the kernel had died")
        self.calls_made += 1
        request_name, result_name = f"in-{self.calls_made}.json", f"out-{self.calls_made}.json"
        request_path = self.calls_folder / request_name
        result_path = self.calls_folder / result_name
        # The folder is the kernel's to write in: never follow or reuse what it left there,
        # and reach it through the descriptor opened before any student code ran.
        try:
            descriptor = os.open(request_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                 | os.O_NOFOLLOW, 0o644, dir_fd=self.calls_fd)
        except OSError:
            raise CouldNotCall(f"{function_name}() was not called: the notebook tampered "
                               "with the grader's folder") from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(request)
        code = (f"__import__('sociallearning.graded_call', fromlist=['call']).call("
                f"{function_name!r}, {str(request_path)!r}, {str(result_path)!r})")
        self.timed_out = False
        try:
            msg_id = self.kc.execute(code, silent=True, store_history=False,
                                     allow_stdin=False, stop_on_error=False)
            reply = await self.async_wait_for_reply(msg_id)
        except DeadKernelError:
            self.kernel_died = True
            raise CouldNotCall(f"the kernel died while {function_name}() ran (it exited, was "
                               "killed, or ran out of memory)") from None
        if self.timed_out:
            raise CouldNotCall(f"{function_name}() ran longer than {self.timeout} s and was "
                               "stopped (an endless loop?)")
        if reply is None or reply.get("content", {}).get("status") != "ok":
            raise CouldNotCall(f"{function_name}() could not be called: the notebook changed "
                               "how code runs in its kernel")
        try:
            return read_capped(result_name, RESULT_CAP_BYTES, dir_fd=self.calls_fd)
        except (OSError, ValueError) as error:
            raise CouldNotCall(f"the result of {function_name}() could not be read "
                               f"({error})") from None
        finally:
            # Gone once read: a later cell cannot print the hidden cases' inputs from here.
            for name in (request_name, result_name):
                with contextlib.suppress(OSError):
                    os.unlink(name, dir_fd=self.calls_fd)


RESULT_CAP_BYTES = 9 * 1024 * 1024


def read_capped(path, max_bytes: int, dir_fd: int | None = None) -> bytes:
    """A regular file's bytes, never following a link, refused when larger than the cap."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=dir_fd)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a regular file")
        if info.st_size > max_bytes:
            raise ValueError(f"larger than {max_bytes // (1024 * 1024)} MB")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"larger than {max_bytes // (1024 * 1024)} MB")
    return data


@dataclass
class Execution:
    stopped_at: int | None = None  # index of the cell where execution stopped early
    stop_reason: str = ""
    outputs_dropped: bool = False
    notes: list[str] = field(default_factory=list)  # limits hit, in plain words
    timings: dict[str, float] = field(default_factory=dict)


class Kernel:
    """One notebook's kernel in its own fresh sandbox, from before it starts until both are
    gone. `start()` launches it (from a running event loop) and returns at once, so it
    can boot while another notebook runs; `run_in_kernel` then runs the notebook in it and
    closes it. A kernel is never used for a second notebook.

    Creating it sets up the sandbox (which takes over the scratch folder and the files
    already in it) and may raise, e.g. ScratchFull, as creating a Sandbox does.
    """

    def __init__(self, scratch: Path, limits: sandbox.Limits, use_sandbox: bool):
        self.scratch, self.limits = scratch, limits
        self.calls_folder = scratch / "calls"
        self.calls_folder.mkdir(exist_ok=True)
        # The sandbox (capped as a whole) takes over the scratch folder, files already in it.
        self.box = sandbox.Sandbox(scratch, limits) if use_sandbox else None
        try:
            self.manager = SandboxedKernelManager()
            self.manager.setup(scratch, limits, self.box)
            self.manager.context.setsockopt(zmq.MAXMSGSIZE, MAX_KERNEL_MESSAGE_BYTES)
            # The folder is the kernel's to write in: reach it through a descriptor opened
            # before any student code ran.
            self.calls_fd = os.open(self.calls_folder, os.O_RDONLY | os.O_DIRECTORY)
        except BaseException:
            if self.box is not None:
                self.box.close()
            raise
        self.client: ReadyClient | None = None
        self.boot_seconds = 0.0  # from launch until it answered
        self.cleanup: list = []  # called after close(), e.g. to remove its folder
        self._startup: asyncio.Future | None = None
        self._closed = False

    def start(self, loop: asyncio.AbstractEventLoop | None = None) -> "Kernel":
        """Launch the kernel; it boots in the background of the event loop (the running
        one unless given) while that loop runs."""
        if self._startup is None:
            self._startup = asyncio.ensure_future(self._start(), loop=loop)
        return self

    async def _start(self) -> None:
        started = time.perf_counter()
        # As nbclient starts kernels: IPython's history in memory, not in a file.
        await self.manager.start_kernel(extra_arguments=["--HistoryManager.hist_file=:memory:"])
        client = self.manager.client()
        # The client connects before the kernel listens; zmq tries again every 100 ms by
        # default, which the start of each notebook would wait for.
        client.context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        # No message from the kernel may be larger than this: zmq drops a bigger one (and
        # the connection, which it opens again) before it reaches the grader's memory.
        client.context.setsockopt(zmq.MAXMSGSIZE, MAX_KERNEL_MESSAGE_BYTES)
        client.start_channels()
        self.client = client
        await client.wait_for_ready(timeout=STARTUP_SECONDS)
        client.allow_stdin = False
        self.boot_seconds = time.perf_counter() - started

    async def ready(self) -> None:
        """Wait until it answers; RuntimeError when it could not start."""
        await self.start()._startup

    async def close(self) -> list[str]:
        """Stop the kernel and tear down its sandbox; what could not be cleaned up, in
        plain words (the caps it hit: `limit_hits()`)."""
        if self._closed:
            return []
        self._closed = True
        notes: list[str] = []
        if self._startup is not None:
            if not self._startup.done():
                self._startup.cancel()
            try:
                await self._startup
            except BaseException:  # noqa: BLE001 - said by ready(), or it was never used
                pass
        try:
            if self.manager.has_kernel:
                await self.manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - the sandbox is torn down with bwrap anyway
            pass
        try:
            if self.client is not None:
                self.client.stop_channels()
                self.client.context.destroy(linger=0)
            await self.manager.cleanup_resources()
        except Exception:  # noqa: BLE001
            pass
        os.close(self.calls_fd)
        try:
            if self.box is not None:
                try:
                    self.box.close()
                except RuntimeError as error:  # something outlived its sandbox: say so
                    notes.append(str(error))
        finally:
            for step in self.cleanup:
                step()
        return notes

    def limit_hits(self) -> list[str]:
        return self.box.limit_hits() if self.box is not None else []


# Set in a grading worker (autograder.workers): given a notebook's scratch folder, its
# limits and whether it is sandboxed, a kernel already started for exactly that, or None.
kernel_supplier: Callable[[Path, sandbox.Limits, bool], "Kernel | None"] | None = None
_loop: tuple[int, asyncio.AbstractEventLoop] | None = None


def event_loop() -> asyncio.AbstractEventLoop:
    """This process's event loop for notebooks: one for all of them, so kernels started
    ahead of need boot while the current notebook runs (a forked child makes its own)."""
    global _loop
    if _loop is None or _loop[0] != os.getpid() or _loop[1].is_closed():
        _loop = (os.getpid(), asyncio.new_event_loop())
    return _loop[1]


def run_notebook(
    notebook: NotebookNode, scratch: Path, limits: sandbox.Limits, slot: int, use_sandbox: bool,
    judges: dict | None = None,
) -> Execution:
    """Execute `notebook` in place in a fresh kernel (one started ahead for this very
    scratch folder, or a new one), test cells by their judges (cell index -> judge);
    return how far it got and how long each part took."""
    kernel = kernel_supplier(scratch, limits, use_sandbox) if kernel_supplier else None

    async def run() -> Execution:
        return await run_in_kernel(notebook, kernel or Kernel(scratch, limits, use_sandbox),
                                   judges or {})

    return event_loop().run_until_complete(run())


async def run_in_kernel(notebook: NotebookNode, kernel: Kernel, judges: dict) -> Execution:
    """Execute `notebook` in place in `kernel` (started, maybe ahead of need), then close
    the kernel and its sandbox, whatever happened."""
    result = Execution()
    limits = kernel.limits
    started = time.perf_counter()
    current = {"index": None}
    client = None
    try:
        try:
            await kernel.ready()  # started now unless it was started ahead
        except RuntimeError as error:  # e.g. the kernel never started
            result.stop_reason = f"the kernel could not run: {error}"
            return result
        result.timings["kernel_boot"] = kernel.boot_seconds
        client = GradingClient(
            notebook,
            km=kernel.manager,
            timeout=limits.cell_seconds,
            startup_timeout=STARTUP_SECONDS,
            interrupt_on_timeout=True,
            error_on_timeout={
                "ename": "TimeoutError",
                "evalue": f"the cell ran longer than {limits.cell_seconds} s and was stopped",
                "traceback": [],
            },
            allow_errors=True,
            record_timing=False,
            shutdown_kernel="immediate",
        )
        client.kc = kernel.client  # started above: nbclient uses it as it is
        client.output_budget = limits.output_kb * 1024
        client.judges, client.calls_folder = judges, kernel.calls_folder
        client.calls_fd = kernel.calls_fd
        original_execute_cell = client.async_execute_cell

        async def tracked_execute_cell(cell, cell_index, *args, **kwargs):
            if "kernel_ready" not in result.timings:
                result.timings["kernel_ready"] = time.perf_counter() - started
            current["index"] = cell_index
            return await original_execute_cell(cell, cell_index, *args, **kwargs)

        client.async_execute_cell = tracked_execute_cell
        try:
            await asyncio.wait_for(client.async_execute(), timeout=limits.notebook_seconds)
        except TimeoutError:
            result.stopped_at = current["index"]
            result.stop_reason = (
                f"the notebook ran longer than {limits.notebook_seconds} s (an endless loop?) "
                "and was stopped"
            )
        except DeadKernelError:
            result.stopped_at = current["index"]
            if client.timed_out:
                result.stop_reason = (
                    f"a cell ran longer than {limits.cell_seconds} s and would not stop on an "
                    "interrupt (an endless loop?), so its kernel was stopped"
                )
            else:
                result.stop_reason = (
                    "the kernel died (it exited, was killed, or ran out of its "
                    f"{limits.memory_mb} MB memory cap)"
                )
        except RuntimeError as error:
            result.stopped_at = current["index"]
            result.stop_reason = f"the kernel could not run: {error}"
    finally:
        result.notes.extend(await kernel.close())
        hits = kernel.limit_hits()
        if hits and "kernel died" in result.stop_reason:
            result.stop_reason = "; ".join(hits)
        elif hits:
            result.notes.extend(hits)
        result.timings["total"] = time.perf_counter() - started
        result.timings.setdefault("kernel_ready", result.timings["total"])
        result.outputs_dropped = client.outputs_dropped if client is not None else False
    return result
