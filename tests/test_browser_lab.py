"""The course in a real browser: JupyterLab served by our own command line, driven in
Debian's headless Chromium with Playwright (no browser download)."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from sociallearning.workspace import prepare

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags that keep a headless Chromium quiet on a machine without outside network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Kept after the run for a person to look at (ignored by git).
SCREENSHOTS = ROOT / "tests" / ".screenshots"
SCREENSHOTS.mkdir(exist_ok=True)

pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Debian's chromium (make setup installs it as root)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def solved(release, source):
    """The learner's release notebook with each solution cell filled in from the source."""
    answers = {
        cell.metadata["nbgrader"]["grade_id"]: cell.source
        for cell in source.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution")
    }
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answers:
            cell.source = "\n".join(
                line for line in answers[grade_id].splitlines() if "### " not in line
            )
    return release


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """JupyterLab on loopback, serving a copy of the course so the repository stays clean,
    and a learner's my-work/ prepared by the course's own set-up."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "course", root / "course")
    prepare(root / "my-work", say=lambda line: None)
    release = root / "my-work" / "00_start_here" / "00_start_here.ipynb"
    source = ROOT / "exercises" / "source" / "00_start_here" / "00_start_here.ipynb"
    nbformat.write(
        solved(nbformat.read(release, 4), nbformat.read(source, 4)),
        release.with_name("solved.ipynb"),
    )
    port, token = free_port(), "browser-test-token"
    command = [
        sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}",
        "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}", f"--LabApp.workspaces_dir={root / '.workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(root / ".jupyter-config")}
    server = subprocess.Popen(
        command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            time.sleep(0.3)
    else:
        server.kill()
        pytest.fail("JupyterLab did not start within 60 s")
    yield base, token, root
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_and_run_all(browser, base, token, path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{path}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    # Wait for the kernel before running everything.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180_000)
    # The menu bar's Run > Run All Cells, as a learner would click it.
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
    return page


RUN_FINISHED = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(prompt => prompt.textContent);
    // Run All marks every queued cell [*] at once; done when none is left and one has run.
    return prompts.some(text => /\\d/.test(text)) && !prompts.some(text => text.includes('*'));
}"""


def wait_until_run_finished(page):
    page.wait_for_function(RUN_FINISHED, timeout=180_000)


def test_start_here_runs_in_jupyterlab_with_plot_and_widget(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "course/00_start_here.ipynb")
    page.wait_for_selector(".jp-OutputArea-output img", timeout=180_000)
    page.wait_for_selector(".jupyter-widgets, .widget-dropdown, .widget-slider", timeout=180_000)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=180_000)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
    page.screenshot(path=str(SCREENSHOTS / "start_here.png"), full_page=False)
    assert errors.count() == 0, errors.first.inner_text()
    page.close()


def test_solved_exercise_shows_every_check_green(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "my-work/00_start_here/solved.ipynb")
    wait_until_run_finished(page)
    page.screenshot(path=str(SCREENSHOTS / "exercise_solved.png"))
    source = nbformat.read(ROOT / "exercises/source/00_start_here/00_start_here.ipynb", 4)
    checks = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")
              and c.cell_type == "code"]
    assert page.locator(".jp-OutputArea-output", has_text="✔").count() == len(checks)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    assert errors.count() == 0
    page.close()


def test_unsolved_exercise_says_what_to_do(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "my-work/00_start_here/00_start_here.ipynb")
    wait_until_run_finished(page)
    page.screenshot(path=str(SCREENSHOTS / "exercise_unsolved.png"))
    assert page.locator(".jp-OutputArea-output", has_text="✔").count() == 0
    assert page.locator(".jp-OutputArea-output", has_text="NotImplementedError").count() >= 1
    page.close()
