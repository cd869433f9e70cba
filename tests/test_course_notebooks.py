"""Every course module runs top to bottom and has what a module promises: a widget that
changes what is shown, a plot, and a closing checklist for the learner's organization."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "course").glob("[0-9][0-9]_*.ipynb"))


def test_the_first_half_of_the_course_is_there():
    names = {path.stem for path in MODULES}
    assert {"00_start_here", "01_sponsors", "02_community", "03_thought_leaders"} <= names


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_module_runs_top_to_bottom(path, tmp_path):
    notebook = nbformat.read(path, as_version=4)
    # Run from elsewhere: learners open notebooks from any folder.
    NotebookClient(notebook, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [out for cell in notebook.cells for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out.output_type == "error"]
    images = [out for out in outputs if "image/png" in out.get("data", {})]
    assert images, "a module shows at least one plot"
    widget_mime = "application/vnd.jupyter.widget-view+json"
    widgets = [out for out in outputs if widget_mime in out.get("data", {})]
    assert widgets, "a module shows at least one ipywidgets control"


@pytest.mark.parametrize("path", MODULES, ids=[p.stem for p in MODULES])
def test_module_follows_the_notebook_conventions(path):
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    text = "\n".join(cell.source for cell in cells if cell.cell_type == "markdown")
    assert "what you will be able to do" in text.lower()
    last_markdown = [cell for cell in cells if cell.cell_type == "markdown"][-1].source
    assert "- [ ]" in last_markdown, "a module ends with a checklist for your organization"
