"""The course in a real browser: JupyterLab served by our own command line, driven in
Debian's headless Chromium with Playwright (no browser download)."""

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import nbformat
import pytest

from sociallearning.lab import learner_environment
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
    # The learner's own settings, as `make lab` gives them.
    env = learner_environment(ROOT, {**os.environ,
                                     "JUPYTER_CONFIG_DIR": str(root / ".jupyter-config")})
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


def kernel_of(base, token, path) -> dict | None:
    """The server's record of the kernel behind the notebook at `path`, or None yet."""
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}", timeout=10) as reply:
        sessions = json.load(reply)
    for session in sessions:
        if session.get("path") == path and session.get("kernel"):
            kernel_id = session["kernel"]["id"]
            with urllib.request.urlopen(f"{base}/api/kernels/{kernel_id}?token={token}",
                                        timeout=10) as reply:
                return json.load(reply)
    return None


def wait_for_connected_idle_kernel(page, base, token, path, timeout=240):
    """What a learner waits for before pressing Run All: the page shows an idle kernel, and
    the server confirms that the kernel exists, is idle and has this page connected to it.
    The page's indicator alone can read idle before the kernel's socket is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        indicator = page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")
        kernel = kernel_of(base, token, path)
        if (indicator.count() and kernel and kernel.get("execution_state") == "idle"
                and kernel.get("connections", 0) >= 1):
            return kernel
        time.sleep(0.5)
    raise AssertionError(f"no connected, idle kernel for {path} within {timeout} s "
                         f"(server says: {kernel_of(base, token, path)})")


PROMPTS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .map(prompt => prompt.textContent.trim())"""


def run_all(page, attempts=3, noticed_within=45):
    """Run > Run All Cells from the menu bar, as a learner clicks it. Run All marks every
    queued cell [*] at once, so a Run All that no cell shows within `noticed_within`
    seconds was lost (the kernel or the page was not ready): click it again."""
    for _ in range(attempts):
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
        deadline = time.monotonic() + noticed_within
        while time.monotonic() < deadline:
            if any(re.search(r"[*\d]", text) for text in page.evaluate(PROMPTS)):
                return
            time.sleep(0.5)
    raise AssertionError(f"Run All was lost {attempts} times: no cell started running")


def open_and_run_all(browser, base, token, path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/{path}?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    wait_for_connected_idle_kernel(page, base, token, path)
    run_all(page)
    return page


PAGE_SUMMARY = """() => {
    const text = selector => [...document.querySelectorAll(selector)]
        .map(node => node.textContent.trim()).filter(Boolean);
    return {
        execution_indicator: [...document.querySelectorAll('.jp-Notebook-ExecutionIndicator')]
            .map(node => node.dataset.status),
        status_bar: text('.jp-StatusBar-Widget').join(' | '),
        dialogs: text('.jp-Dialog'),
        prompts: text('.jp-Notebook .jp-CodeCell .jp-InputPrompt'),
        errors: text(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
            .map(error => error.slice(0, 300)),
    };
}"""


@contextmanager
def explained_failure(page, name):
    """On failure: a screenshot kept for a person and what the page showed, in the error."""
    try:
        yield
    except Exception as error:
        shot = SCREENSHOTS / f"{name}-failure.png"
        try:
            page.screenshot(path=str(shot))
            shown = page.evaluate(PAGE_SUMMARY)
        except Exception as inner:  # noqa: BLE001 - the page itself may be gone
            shown = f"(could not read the page: {inner})"
        raise AssertionError(f"{error}\nThe page showed: {shown}\nScreenshot: {shot}") from error


RUN_FINISHED = """() => {
    const prompts = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
        .map(prompt => prompt.textContent);
    // Run All marks every queued cell [*] at once; done when none is left and one has run.
    return prompts.some(text => /\\d/.test(text)) && !prompts.some(text => text.includes('*'));
}"""


def wait_until_run_finished(page):
    page.wait_for_function(RUN_FINISHED, timeout=300_000)


def test_start_here_runs_in_jupyterlab_with_plot_and_widget(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "course/00_start_here.ipynb")
    with explained_failure(page, "start_here"):
        wait_until_run_finished(page)
        page.wait_for_selector(".jp-OutputArea-output img", timeout=60_000)
        page.wait_for_selector(".jupyter-widgets, .widget-dropdown, .widget-slider",
                               timeout=60_000)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        page.screenshot(path=str(SCREENSHOTS / "start_here.png"), full_page=False)
        assert errors.count() == 0, errors.first.inner_text()
    page.close()


# Modules 01-03: each runs clean in the browser, draws its plots, and its first picker
# (a unit, a community, how many leaders) redraws what it shows when a learner changes it.
PICKERS = {
    "course/01_sponsors.ipynb": "dropdown",
    "course/02_community.ipynb": "dropdown",
    "course/03_thought_leaders.ipynb": "slider",
}


def change_picker(picker, kind):
    """Change the picker as a learner would: another option, or the knob moved on."""
    if kind == "dropdown":
        select = picker.locator("select").first
        select.page.wait_for_function("node => node.options.length > 1",
                                      arg=select.element_handle(), timeout=60_000)
        chosen, count = select.evaluate("node => [node.selectedIndex, node.options.length]")
        select.select_option(index=(chosen + 1) % count)
    else:
        handle = picker.locator(".noUi-handle").first  # the slider's knob takes arrow keys
        handle.focus()
        handle.press("ArrowLeft")
        handle.press("ArrowRight")
        handle.press("ArrowRight")


@pytest.mark.parametrize("path", list(PICKERS), ids=lambda path: path.split("/")[1][:2])
def test_module_runs_in_jupyterlab_and_its_picker_redraws(lab_server, browser, path):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, path)
    with explained_failure(page, path.split("/")[1].removesuffix(".ipynb")):
        wait_until_run_finished(page)
        page.wait_for_selector(".jp-OutputArea-output img", timeout=60_000)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()
        kind = PICKERS[path]
        control = ".widget-dropdown" if kind == "dropdown" else ".widget-slider"
        picker = page.locator(".widget-interact").filter(has=page.locator(control)).first
        picker.scroll_into_view_if_needed(timeout=60_000)
        shown = picker.locator(".widget-output").first
        shown.locator(".jp-OutputArea-output").first.wait_for(timeout=60_000)
        before = shown.inner_html()
        change_picker(picker, kind)
        page.wait_for_function(
            "([node, before]) => node.innerHTML !== before && node.querySelector("
            "'.jp-OutputArea-output')", arg=[shown.element_handle(), before], timeout=60_000)
    page.close()


def test_chat_module_runs_in_jupyterlab_and_its_time_zone_picker_responds(lab_server,
                                                                         browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "course/04_chat.ipynb")
    with explained_failure(page, "chat"):
        wait_until_run_finished(page)
        page.wait_for_selector(".jp-OutputArea-output img", timeout=60_000)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()
        # The next session (Thursday 12 March, 8 pm New York) in London, then in Singapore.
        from playwright.sync_api import expect

        picker = page.locator(".widget-interact").filter(
            has=page.locator(".widget-dropdown")).first
        picker.scroll_into_view_if_needed(timeout=60_000)
        expect(picker).to_contain_text("Fri 13 Mar 00:00", timeout=60_000)
        picker.locator("select").first.select_option("Asia/Singapore")
        expect(picker).to_contain_text("Fri 13 Mar 08:00", timeout=60_000)
        expect(picker).not_to_contain_text("Fri 13 Mar 00:00")
        page.screenshot(path=str(SCREENSHOTS / "chat.png"), full_page=False)
    page.close()


def test_metrics_module_runs_in_jupyterlab_and_writes_the_sponsor_report(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "course/05_metrics.ipynb")
    with explained_failure(page, "metrics"):
        wait_until_run_finished(page)
        page.wait_for_selector(".jp-OutputArea-output img", timeout=60_000)
        page.wait_for_selector(".jupyter-widgets select, .widget-select-multiple",
                               timeout=60_000)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        page.screenshot(path=str(SCREENSHOTS / "metrics.png"), full_page=False)
        assert errors.count() == 0, errors.first.inner_text()
        report = root / "course" / "sponsor_report.html"  # the kernel runs beside the notebook
        assert report.is_file() and "What this does not prove" in report.read_text()
    page.close()


# The README's picture of a module in JupyterLab: rewritten by this test, committed.
README_SCREENSHOT = ROOT / "docs" / "lab-module.png"


def test_capstone_module_runs_in_jupyterlab_and_gives_the_readme_its_picture(lab_server,
                                                                             browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "course/06_capstone.ipynb")
    with explained_failure(page, "capstone"):
        wait_until_run_finished(page)
        page.wait_for_selector(".jp-OutputArea-output img", timeout=60_000)
        page.wait_for_selector(".widget-dropdown", timeout=60_000)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.error']")
        assert errors.count() == 0, errors.first.inner_text()
        # The first plot in view, with the notebook's title and the file browser beside it.
        page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        README_SCREENSHOT.parent.mkdir(exist_ok=True)
        page.screenshot(path=str(README_SCREENSHOT))
        assert README_SCREENSHOT.stat().st_size > 20_000
    page.close()


def test_solved_exercise_shows_every_check_green(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "my-work/00_start_here/solved.ipynb")
    with explained_failure(page, "exercise_solved"):
        wait_until_run_finished(page)
        page.screenshot(path=str(SCREENSHOTS / "exercise_solved.png"))
        source = nbformat.read(ROOT / "exercises/source/00_start_here/00_start_here.ipynb", 4)
        checks = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade")
                  and c.cell_type == "code"]
        assert page.locator(".jp-OutputArea-output", has_text="✔").count() == len(checks)
        errors = page.locator(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        assert errors.count() == 0
    page.close()


def test_unsolved_exercise_says_what_to_do(lab_server, browser):
    base, token, root = lab_server
    page = open_and_run_all(browser, base, token, "my-work/00_start_here/00_start_here.ipynb")
    with explained_failure(page, "exercise_unsolved"):
        wait_until_run_finished(page)
        page.screenshot(path=str(SCREENSHOTS / "exercise_unsolved.png"))
        assert page.locator(".jp-OutputArea-output", has_text="✔").count() == 0
        assert page.locator(".jp-OutputArea-output", has_text="NotImplementedError").count() >= 1
    page.close()


def test_a_lost_run_all_is_noticed_at_once_and_explained(lab_server, browser):
    """A Run All that starts no cell fails in seconds with what the page showed and a
    screenshot, instead of waiting out a long timeout."""
    base, token, root = lab_server
    nothing_to_run = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell("# Notes")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}})
    nbformat.write(nothing_to_run, root / "notes.ipynb")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab/tree/notes.ipynb?reset&token={token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=180_000)
    wait_for_connected_idle_kernel(page, base, token, "notes.ipynb")
    started = time.monotonic()
    with pytest.raises(AssertionError) as failure:
        with explained_failure(page, "lost_run_all"):
            run_all(page, attempts=2, noticed_within=3)
    assert time.monotonic() - started < 60
    assert "Run All was lost 2 times" in str(failure.value)
    assert "execution_indicator" in str(failure.value)
    assert (SCREENSHOTS / "lost_run_all-failure.png").is_file()
    page.close()


def test_the_learners_lab_asks_no_news_and_shows_no_instructor_tools(lab_server, browser):
    """JupyterLab's news prompt is off, and nbgrader's formgrader is not there for learners."""
    base, token, root = lab_server
    url = f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}"
    with urllib.request.urlopen(url, timeout=10) as reply:
        # The course's overrides become the settings' defaults.
        defaults = json.load(reply)["schema"]["properties"]
    assert defaults["fetchNews"]["default"] == "false"
    assert defaults["checkForUpdates"]["default"] is False
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(f"{base}/formgrader?token={token}", timeout=10)
    assert missing.value.code == 404
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/lab?reset&token={token}")
    with explained_failure(page, "learner_lab"):
        page.wait_for_selector(".lm-MenuBar-itemLabel", timeout=180_000)
        labels = page.evaluate(
            "() => [...document.querySelectorAll('.lm-MenuBar-itemLabel')].map(n => n.textContent)")
        assert "Run" in labels
        if "Nbgrader" in labels:  # learners keep the assignment list (fetch, submit) only
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Nbgrader$")).click()
            items = page.evaluate("() => [...document.querySelectorAll("
                                  "'.lm-Menu-itemLabel')].map(n => n.textContent)")
            assert items and not [item for item in items if "Formgrader" in item
                                  or "Course List" in item], items
        assert page.locator(".jp-Notification-Toast", has_text="news").count() == 0
    page.close()
