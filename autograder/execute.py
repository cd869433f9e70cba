"""Run one notebook in a fresh kernel inside the sandbox, with every cap enforced.

The notebook client (nbclient) runs here, in the grader's worker process; only the
kernel runs in the sandbox, reached over Unix sockets in the scratch folder. So
nothing the student's code does can change how outputs are collected. Caps:
- per cell: `cell_seconds`, then the kernel is interrupted and the cell gets an error;
- per notebook: `notebook_seconds` of wall time, then the whole sandbox is killed;
- outputs: at most `output_kb` per notebook are kept (the rest is dropped, with a note);
- memory, processes, file size: rlimits set by the sandbox.
A kernel that dies or is killed leaves the cells run so far with their outputs; the
caller grades those and says where it stopped.
"""

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from autograder import kernel_guard, sandbox


class SandboxedKernelManager(AsyncKernelManager):
    """A python kernel whose command line is wrapped by the sandbox."""

    def setup(self, scratch: Path, limits: sandbox.Limits, slot: int, use_sandbox: bool):
        self.scratch, self.limits, self.slot, self.use_sandbox = scratch, limits, slot, use_sandbox
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
        if self.use_sandbox:
            sandbox.prepare_scratch(self.scratch, self.slot)
            return sandbox.wrap(command, self.scratch, self.limits, self.slot)
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


class CappedClient(NotebookClient):
    """nbclient that keeps at most a fixed amount of output per notebook."""

    output_budget = 0
    outputs_dropped = False
    timed_out = False

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        self.output_budget -= size
        if self.output_budget < 0:
            marker = kernel_guard.first_marker(str(msg.get("content", {}).get("text", "")))
            if marker:  # a test's result is never crowded out by earlier output
                outs.append(NotebookNode(output_type="stream", name="stdout", text=marker + "\n"))
            if not self.outputs_dropped:
                self.outputs_dropped = True
                outs.append(NotebookNode(output_type="stream", name="stdout",
                                         text="[output limit reached: further output dropped]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


@dataclass
class Execution:
    stopped_at: int | None = None  # index of the cell where execution stopped early
    stop_reason: str = ""
    outputs_dropped: bool = False
    timings: dict[str, float] = field(default_factory=dict)


def run_notebook(
    notebook: NotebookNode, scratch: Path, limits: sandbox.Limits, slot: int, use_sandbox: bool
) -> Execution:
    """Execute `notebook` in place; return how far it got and how long each part took."""
    return asyncio.run(_run(notebook, scratch, limits, slot, use_sandbox))


async def _run(notebook, scratch, limits, slot, use_sandbox) -> Execution:
    result = Execution()
    manager = SandboxedKernelManager()
    manager.setup(scratch, limits, slot, use_sandbox)
    client = CappedClient(
        notebook,
        km=manager,
        timeout=limits.cell_seconds,
        startup_timeout=120,  # a busy machine starts kernels slowly
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
    client.output_budget = limits.output_kb * 1024
    started = time.perf_counter()
    current = {"index": None}
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
    except RuntimeError as error:  # e.g. the kernel never started
        result.stopped_at = current["index"]
        result.stop_reason = f"the kernel could not run: {error}"
    finally:
        try:
            if manager.has_kernel:
                await manager.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - the sandbox is torn down with bwrap anyway
            pass
        try:
            await client._async_cleanup_kernel()
        except Exception:  # noqa: BLE001
            pass
    result.timings["total"] = time.perf_counter() - started
    result.timings.setdefault("kernel_ready", result.timings["total"])
    result.outputs_dropped = client.outputs_dropped
    return result
