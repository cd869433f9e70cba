"""Practise, don't re-type: no module notebook hands over what an exercise asks for.

For every exercise under exercises/source, the names the learner is asked to write are the
top-level `def` names of its solution cells. No module notebook in course/ may import or use
such a name from `sociallearning` (read with ast: `from sociallearning.x import name`, or
`alias.name` where alias is a sociallearning module), and no public `sociallearning` module
may define a function by that name. Otherwise a learner can call the module's function and
pass without practising anything.

The study plan in course/00_start_here.ipynb lists every module notebook, with its time.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "exercises" / "source"
COURSE = ROOT / "course"
TOOLKIT = ROOT / "sociallearning"
PACKAGE = "sociallearning"

EXERCISES = sorted(p.name for p in SOURCE.iterdir() if (p / f"{p.name}.ipynb").exists())
MODULE_NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]_*.ipynb"))


# --- reading code --------------------------------------------------------------------------


def _python(source: str) -> str:
    """A cell's code without IPython's magics and shell lines, which ast cannot read."""
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def _cells(path: Path, kind: str = "code"):
    return [cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == kind]


def names_to_write(notebook: Path) -> set[str]:
    """The top-level function names of an exercise notebook's solution cells."""
    names = set()
    for cell in _cells(notebook):
        if not cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            continue
        tree = ast.parse(_python(cell.source))
        names |= {node.name for node in tree.body
                  if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)}
    return names


def _is_toolkit_module(dotted: str) -> bool:
    """True when `dotted` names a module of the toolkit package (not an object in one). A
    package may re-export a function under its submodule's name (sociallearning.data.load
    is the function load, from load.py), so ask the package what the name holds."""
    if dotted != PACKAGE and not dotted.startswith(PACKAGE + "."):
        return False
    parent, _, name = dotted.rpartition(".")
    if parent:
        try:
            holder = importlib.import_module(parent)
        except ImportError:
            return False
        if hasattr(holder, name):
            return inspect.ismodule(getattr(holder, name))
    try:
        return importlib.util.find_spec(dotted) is not None
    except (ImportError, ValueError):
        return False


def toolkit_names_used(code: str) -> set[str]:
    """Names the code takes from the toolkit: imported from a sociallearning module, or read
    as an attribute of a sociallearning module (however it was imported or aliased)."""
    tree = ast.parse(code)
    modules: dict[str, str] = {}  # local name -> dotted toolkit module
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _is_toolkit_module(alias.name):
                    if alias.asname:
                        modules[alias.asname] = alias.name
                    else:  # `import sociallearning.x` binds `sociallearning`
                        modules[alias.name.split(".")[0]] = PACKAGE
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not _is_toolkit_module(node.module):
                continue
            for alias in node.names:
                dotted = f"{node.module}.{alias.name}"
                if _is_toolkit_module(dotted):
                    modules[alias.asname or alias.name] = dotted
                else:
                    used.add(alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = []
            value = node
            while isinstance(value, ast.Attribute):
                chain.append(value.attr)
                value = value.value
            if isinstance(value, ast.Name) and value.id in modules:
                # sociallearning.sponsors.sponsor_reach: the last part that is not a module
                dotted = modules[value.id]
                for part in reversed(chain):
                    if _is_toolkit_module(f"{dotted}.{part}"):
                        dotted = f"{dotted}.{part}"
                        continue
                    used.add(part)
                    break
    return used


def notebook_toolkit_names(path: Path) -> set[str]:
    return toolkit_names_used("\n".join(_python(cell.source) for cell in _cells(path)))


def toolkit_definitions() -> dict[str, set[str]]:
    """Public toolkit module (dotted) -> the functions it defines at top level, and names it
    binds to another function (`sponsor_reach = _reach`)."""
    found = {}
    for path in sorted(TOOLKIT.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if any(part.startswith("_") for part in parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = set()
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.Assign) and isinstance(node.value,
                                                             ast.Name | ast.Attribute):
                names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
        found[".".join(parts)] = names
    return found


# --- the readers read right (so that the real checks below can fail) -----------------------


def test_the_names_to_write_are_the_solution_cells_functions(tmp_path):
    notebook = nbformat.v4.new_notebook()
    solution = {"nbgrader": {"solution": True, "grade": False, "grade_id": "a"}}
    notebook.cells = [
        nbformat.v4.new_code_cell("import pandas as pd\ndef helper_in_setup(): pass"),
        nbformat.v4.new_code_cell("def reach(org):\n    ### BEGIN SOLUTION\n    def inner():"
                                  " pass\n    return 1\n    ### END SOLUTION",
                                  metadata=solution),
        nbformat.v4.new_code_cell("%matplotlib inline\nasync def plan(x):\n    return x",
                                  metadata=solution),
    ]
    path = tmp_path / "x.ipynb"
    nbformat.write(notebook, path)
    assert names_to_write(path) == {"reach", "plan"}


@pytest.mark.parametrize("code, used", [
    ("from sociallearning.sponsors import quadrant, as_day as day", {"quadrant", "as_day"}),
    ("from sociallearning import sponsors as tools\ntools.sponsor_reach(a, b)",
     {"sponsor_reach"}),
    ("from sociallearning import orgchart\nt = orgchart.reporting_tree(o)", {"reporting_tree"}),
    ("import sociallearning.sponsors\nsociallearning.sponsors.education_priority(s, o)",
     {"education_priority"}),
    ("import sociallearning.sponsors as s\nf = s.touchpoints_due", {"touchpoints_due"}),
    ("from sociallearning.data import load, REORG_DATE", {"load", "REORG_DATE"}),
    ("import pandas as pd\nfrom pathlib import Path\npd.merge(a, b)\nx.sponsor_reach()", set()),
    ("def sponsor_reach():\n    pass\nsponsor_reach()", set()),
])
def test_the_reader_finds_what_code_takes_from_the_toolkit(code, used):
    assert toolkit_names_used(code) == used


def test_the_reader_sees_every_toolkit_module():
    modules = toolkit_definitions()
    assert {"sociallearning.sponsors", "sociallearning.orgchart", "sociallearning"} <= set(
        modules)
    assert "quadrant" in modules["sociallearning.sponsors"]
    assert not [name for name in modules if name.split(".")[-1].startswith("_")]


# --- the rule, exercise by exercise --------------------------------------------------------


def test_every_exercise_asks_for_functions():
    assert EXERCISES and MODULE_NOTEBOOKS
    for name in EXERCISES:
        assert names_to_write(SOURCE / name / f"{name}.ipynb"), name


@pytest.mark.parametrize("exercise", EXERCISES)
def test_no_module_notebook_hands_over_an_exercise_answer(exercise):
    asked = names_to_write(SOURCE / exercise / f"{exercise}.ipynb")
    handed_over = {
        path.name: sorted(asked & notebook_toolkit_names(path)) for path in MODULE_NOTEBOOKS
    }
    handed_over = {notebook: names for notebook, names in handed_over.items() if names}
    assert not handed_over, (
        f"exercise {exercise} asks the learner to write {sorted(asked)}, but these module "
        f"notebooks take a function of that name from sociallearning: {handed_over}. Show the "
        "worked code in the notebook (or a helper that is not the answer), and let the "
        "exercise ask a new question.")


@pytest.mark.parametrize("exercise", EXERCISES)
def test_no_toolkit_module_defines_an_exercise_answer(exercise):
    asked = names_to_write(SOURCE / exercise / f"{exercise}.ipynb")
    defined = {module: sorted(asked & names) for module, names in toolkit_definitions().items()}
    defined = {module: names for module, names in defined.items() if names}
    assert not defined, (
        f"exercise {exercise} asks the learner to write {sorted(asked)}, but the toolkit "
        f"defines functions of that name: {defined}. Remove them from sociallearning (the "
        "exercise's reference answer is its solution cell).")


# --- the study plan matches the course -----------------------------------------------------

PLANNED = ["00_start_here", "01_sponsors", "02_community", "03_thought_leaders", "04_chat",
           "05_metrics", "06_capstone"]


def test_the_study_plan_lists_every_module_with_its_time():
    plan = "\n".join(cell.source for cell in _cells(COURSE / "00_start_here.ipynb", "markdown"))
    rows = {name: line for line in plan.splitlines() for name in PLANNED
            if f"`course/{name}.ipynb`" in line}
    assert list(rows) == PLANNED, "the plan names each module's notebook, in order"
    for row in rows.values():
        assert re.search(r"\d+ (to \d+ )?(minutes|hours?)", row), row
    assert "30 minutes" in rows["00_start_here"]
    for path in MODULE_NOTEBOOKS:
        assert path.stem in PLANNED, f"{path.name} is not in the study plan of 00"


@pytest.mark.parametrize("path", [COURSE / "00_start_here.ipynb", COURSE / "01_sponsors.ipynb"],
                         ids=["00", "01"])
def test_a_module_states_its_time_to_complete(path):
    first = _cells(path, "markdown")[0].source
    assert "**Time to complete:**" in first
