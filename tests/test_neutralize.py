"""Student HTML and scripts are harmless in the graded notebook and in the feedback HTML.

Each test first shows (where it can) that nbconvert renders the payload live without the
neutralizing, so it fails if the neutralizing stops working.
"""

import base64
import copy
import json
import re
from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert import HTMLExporter
from traitlets.config import Config

from autograder.neutralize import (
    NeutralizeStudentContent,
    markdown_problems,
    neutralize_markdown,
    neutralize_notebook,
    trusted_grade_ids,
)

MARK = "PWNED"  # in every payload; the exporter's own page never contains it
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()
COURSE = {"grade_id": "test_count", "grade": True, "solution": False, "locked": True,
          "points": 1}
ANSWER = {"grade_id": "answer_count", "grade": False, "solution": True, "locked": False}
WRITTEN = {"grade_id": "reflection", "grade": True, "solution": True, "locked": False,
           "points": 2}
MARKDOWN_ATTACK = (
    f"My answer.\n\n<img src=x onerror=alert(1)>\n\n<script>alert('{MARK}')</script>\n\n"
    f"<iframe src=\"javascript:alert('{MARK}')\"></iframe>\n\n"
    f"[click me](javascript:alert('{MARK}')) ![pic](attachment:image.png)\n\n"
    f"<a href=\"javascript:alert('{MARK}')\">x</a> <svg onload=alert(1)>\n\n"
    f"```mermaid\ngraph TD; A</pre><script>alert('{MARK}')</script>\n```\n\n"
    f"$\\href{{javascript:alert('{MARK}')}}{{see}}$")
ORDINARY = """\
# My answer

The count is **12** and `x < 4` holds; see [the docs](https://pandas.pydata.org) or
<https://numpy.org>.

- first *point*
- second point, with $a < b$ and $$\\sum_i x_i$$

| a | b |
|:--|--:|
| 1 | 2 |

```python
if x < 3:
    print("<b>bold</b>")
```

> a quote & more
"""


def output(**data) -> dict:
    return nbformat.v4.new_output("display_data", data=data)


def graded_notebook() -> nbformat.NotebookNode:
    """A graded notebook as grade_one makes it: course cells, answers, student cells."""
    course_html = ('<div><style scoped>.dataframe td {color: red}</style>'
                   '<table class="dataframe"><tr><td>course table</td></tr></table></div>')
    cells = [
        nbformat.v4.new_markdown_cell("<b>Task</b>: count the posts <div>course html</div>",
                                      metadata={"nbgrader": {"grade_id": "task", "locked": True,
                                                             "solution": False}}),
        nbformat.v4.new_code_cell("answer = 12", metadata={"nbgrader": ANSWER}, outputs=[
            output(**{"text/html": f"<script>alert('{MARK}')</script><b>x</b>",
                      "application/javascript": f"alert('{MARK}')",
                      "text/plain": "<IPython.core.display.HTML object>"}),
            output(**{"image/png": PNG, "text/plain": "<Figure>"}),
            output(**{"image/svg+xml": f"<svg onload=\"alert('{MARK}')\"></svg>"}),
            output(**{"application/vnd.jupyter.widget-view+json": {"model_id": "x"},
                      "text/markdown": f"<script>alert('{MARK}')</script>"}),
        ]),
        nbformat.v4.new_code_cell("check()", metadata={"nbgrader": COURSE}, outputs=[
            output(**{"text/html": course_html, "text/plain": "frame"})]),
        nbformat.v4.new_markdown_cell(MARKDOWN_ATTACK, metadata={"nbgrader": WRITTEN},
                                      attachments={"image.png": {"image/png": PNG}}),
        nbformat.v4.new_markdown_cell(ORDINARY),  # a student-added cell
    ]
    return nbformat.v4.new_notebook(cells=cells)


class _Live(HTMLParser):
    """Anything in a page that would run or load student content."""

    def __init__(self):
        super().__init__()
        self.found, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}={value[:60]}>")
            if name in ("href", "src") and value.strip().lower().startswith(
                    ("javascript:", "data:text", "data:image/svg")):
                self.found.append(f"<{tag} {name}={value[:60]}>")
        if tag in ("iframe", "object", "embed", "svg"):
            self.found.append(f"<{tag}>")
        if tag == "pre" and "mermaid" in (dict(attrs).get("class") or ""):
            self.found.append("<pre class=mermaid>")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARK in data:
            self.found.append(f"<script>{data.strip()[:60]}")


def live(page: str) -> list[str]:
    parser = _Live()
    parser.feed(page)
    return parser.found


def render(nb, template="lab", **config) -> str:
    c = Config()
    for key, value in config.items():
        setattr(c.HTMLExporter, key, value)
    return HTMLExporter(config=c, template_name=template).from_notebook_node(
        copy.deepcopy(nb))[0]


# --- outputs --------------------------------------------------------------------------------


def test_student_html_and_javascript_outputs_are_gone_and_the_image_stays():
    nb = graded_notebook()
    assert "<script>alert('PWNED')" in live(render(nb))  # live without the neutralizing

    notes = neutralize_notebook(nb, trusted_cell_ids={"task", "test_count"})
    outputs = nb.cells[1].outputs
    assert [sorted(o.data) for o in outputs] == [["text/plain"], ["image/png", "text/plain"],
                                                 ["text/plain"], ["text/plain"]]
    assert outputs[0].data["text/plain"] == "<IPython.core.display.HTML object>"
    assert outputs[1].data["image/png"] == PNG
    assert outputs[2].data["text/plain"] == "(output not shown by the grader: image/svg+xml)"
    assert outputs[3].data["text/plain"] == (
        "(output not shown by the grader: application/vnd.jupyter.widget-view+json, "
        "text/markdown)")
    assert "cell 2: output types left out: text/html, application/javascript" in notes
    nbformat.validate(nb)

    for template in ("lab", "classic"):
        page = render(nb, template)
        assert live(page) == []
        assert f"data:image/png;base64,{PNG}" in page


def test_image_metadata_cannot_add_attributes():
    """nbconvert writes an image's width unquoted: `1 onerror=...` would be an attribute."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("plot()", outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": PNG}, metadata={
            "image/png": {"width": f"1 onerror=alert('{MARK}')", "height": 20},
            "filenames": {"image/png": "javascript:alert(1)"}})])])
    assert any("onerror" in f for f in live(render(nb)))  # live without the neutralizing
    neutralize_notebook(nb, trusted_cell_ids=set())
    assert nb.cells[0].outputs[0].metadata == {"image/png": {"height": 20}}
    assert live(render(nb)) == []


def test_images_that_are_not_base64_are_dropped():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", outputs=[
        output(**{"image/png": f"\" onerror=\"alert('{MARK}')"}),
        output(**{"image/jpeg": "not base64!"})])])
    neutralize_notebook(nb, trusted_cell_ids=set())
    assert [o.data for o in nb.cells[0].outputs] == [
        {"text/plain": "(output not shown by the grader: image/png)"},
        {"text/plain": "(output not shown by the grader: image/jpeg)"}]


def test_a_course_cells_html_output_is_kept():
    nb = graded_notebook()
    neutralize_notebook(nb, trusted_cell_ids=trusted_grade_ids(nb))
    data = nb.cells[2].outputs[0].data
    assert data["text/html"] == ('<div><table class="dataframe"><tbody><tr><td>course table'
                                 '</td></tr></tbody></table></div>')
    assert data["text/plain"] == "frame"
    assert '<table class="dataframe">' in render(nb)
    # Left exactly as it is when asked to.
    nb = graded_notebook()
    neutralize_notebook(nb, trusted_cell_ids={"test_count"}, clean_trusted_outputs=False)
    assert nb.cells[2].outputs == graded_notebook().cells[2].outputs


def test_a_course_cells_output_made_by_a_hostile_kernel_is_cleaned():
    """Student code runs first in the same kernel and can change how a course cell's
    results are displayed (e.g. a text/html formatter for DataFrame)."""
    nb = graded_notebook()
    nb.cells[2].outputs = [output(**{
        "text/html": f"<table><tr><td onclick=\"alert('{MARK}')\">1</td></tr></table>"
                     f"<script>alert('{MARK}')</script><img src=x onerror=alert('{MARK}')>",
        "application/javascript": f"alert('{MARK}')", "text/plain": "frame"})]
    assert live(render(nb))
    notes = neutralize_notebook(nb, trusted_cell_ids={"task", "test_count"})
    assert nb.cells[2].outputs[0].data == {
        "text/html": "<table><tbody><tr><td>1</td></tr></tbody></table>", "text/plain": "frame"}
    assert "cell 3: output types left out: text/html (cleaned), application/javascript" in notes
    assert live(render(nb)) == []


def test_an_answer_cell_is_never_trusted_even_if_listed():
    nb = graded_notebook()
    neutralize_notebook(nb, trusted_cell_ids={"task", "test_count", "answer_count",
                                              "reflection"})
    assert [sorted(o.data) for o in nb.cells[1].outputs][0] == ["text/plain"]
    assert "attachments" not in nb.cells[3]
    assert markdown_problems(nb.cells[3].source) == []


# --- markdown -------------------------------------------------------------------------------


def test_student_markdown_has_no_live_tag_after_nbconvert():
    nb = graded_notebook()
    del nb.cells[3]["attachments"]  # as rebuild_submission leaves it: reference, no data
    with pytest.raises(Exception, match="missing attachment"):
        render(nb)
    nb = graded_notebook()
    found = live(render(nb))
    for payload in ("onerror", "<iframe>", "<script>", "href=javascript", "<svg>",
                    "mermaid"):
        assert any(payload.replace("=", " ") in f.replace("=", " ") for f in found), payload

    notes = neutralize_notebook(nb, trusted_cell_ids={"task", "test_count"})
    cell = nb.cells[3]
    assert "attachments" not in cell
    assert cell.metadata == {"nbgrader": WRITTEN}
    assert "cell 4: attachments were dropped" in notes
    assert ("cell 4: HTML, scripts and unsafe links in markdown are shown as text") in notes
    for template in ("lab", "classic"):
        page = render(nb, template)
        assert live(page) == []
        assert "<script>alert" not in page
        assert not re.search(r"<[a-z][^<>]*\son[a-z]+=", page)  # no tag with a handler
        assert "&lt;script&gt;alert(&#39;PWNED&#39;)&lt;/script&gt;" in page \
            or "&lt;script&gt;alert('PWNED')&lt;/script&gt;" in page  # shown as text
        assert "My answer." in page


def test_ordinary_markdown_is_left_as_it_is():
    nb = graded_notebook()
    neutralize_notebook(nb, trusted_cell_ids={"task", "test_count"})
    assert nb.cells[4].source == ORDINARY.replace(
        "<https://numpy.org>", "[https://numpy.org](https://numpy.org)")
    page = render(nb)
    assert '<a href="https://pandas.pydata.org">the docs</a>' in page
    assert '<a href="https://numpy.org">https://numpy.org</a>' in page
    assert "<code>x &lt; 4</code>" in page
    assert "$a &lt; b$" in page or "$a&lt;b$" in page.replace(" ", "")
    assert "<table>" in page and "<blockquote>" in page and "<li>first <em>point</em></li>" in page


def test_course_markdown_keeps_its_html():
    nb = graded_notebook()
    neutralize_notebook(nb, trusted_cell_ids={"task", "test_count"})
    assert nb.cells[0].source == "<b>Task</b>: count the posts <div>course html</div>"


@pytest.mark.parametrize("source", [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "a <!-- hidden --> b",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](\njavascript:alert(1))",
    "[x](jav&#x61;script:alert(1))",
    "[x](java\\script:alert(1))",
    "[x]: javascript:alert(1)\n\n[y][x]",
    "[x](<javascript:alert(1)>)",
    "![x](data:image/svg+xml;base64,PHN2Zz4=)",
    "[x](vbscript:msgbox(1))",
    "<div onmouseover=alert(1)>\n\n*a*\n\n</div>",
    "`` a ` <script>alert(1)</script>",
    "$5 and <b>x</b>\n\nthen $6",
    "```mermaid\ngraph TD; A-->B\n```",
    "- item\n\n    ```mermaid\n    graph TD; A-->B\n    ```",
    "~~~\n<b>in code</b>\n~~~\n<script>alert(1)</script>",
])
def test_markdown_attacks_end_as_text(source):
    assert markdown_problems(source)  # live in nbconvert as written
    neutral, note = neutralize_markdown(source)
    assert note
    assert markdown_problems(neutral) == []


def test_mathjax_links_are_broken():
    neutral, note = neutralize_markdown("$\\href{javascript:alert(1)}{x}$ and \\require{y}")
    assert neutral == "$\uff3chref{javascript:alert(1)}{x}$ and \uff3crequire{y}"
    assert note
    code = "```latex\n\\href{a}{b}\n```"
    assert neutralize_markdown(code) == (code, "")  # code is left alone


def test_raw_and_unknown_metadata_of_student_cells_are_dropped():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_raw_cell(f"<script>alert('{MARK}')</script>",
                                 metadata={"raw_mimetype": "text/html", "tags": ["x"]}),
        nbformat.v4.new_code_cell("x", metadata={"nbgrader": {"grade_id": "a\" onclick=\"x",
                                                              "solution": True}}),
    ])
    nb.cells[1]["id"] = "x\" onclick=\"y"
    neutralize_notebook(nb, trusted_cell_ids=set())
    assert nb.cells[0].metadata == {} and nb.cells[1].metadata == {}
    assert nb.cells[1].id.isalnum()
    assert live(render(nb)) == []


# --- the feedback preprocessor --------------------------------------------------------------


def test_feedback_preprocessor_trusts_locked_cells_only():
    config = Config()
    config.HTMLExporter.preprocessors = ["autograder.neutralize.NeutralizeStudentContent"]
    nb = graded_notebook()
    assert live(HTMLExporter(config=config).from_notebook_node(copy.deepcopy(nb))[0]) == []
    page = HTMLExporter(config=config).from_notebook_node(nb)[0]
    assert "<b>Task</b>" in page  # the course's markdown
    assert '<table class="dataframe">' in page  # the course cell's (cleaned) HTML
    assert "<script>alert" not in page
    assert NeutralizeStudentContent().enabled


def test_notebook_widget_state_is_dropped():
    nb = graded_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    notes = neutralize_notebook(nb, trusted_cell_ids=set())
    assert "widgets" not in nb.metadata
    assert "widget state was dropped" in notes


def test_neutralizing_twice_changes_nothing_more_and_plain_json_works():
    """The worker neutralizes the graded notebook and feedback does it again."""
    plain = json.loads(nbformat.writes(graded_notebook()))
    assert neutralize_notebook(plain, trusted_cell_ids=trusted_grade_ids(plain))
    once = json.dumps(plain, sort_keys=True)
    assert neutralize_notebook(plain, trusted_cell_ids=trusted_grade_ids(plain)) == []
    assert json.dumps(plain, sort_keys=True) == once
    nbformat.validate(nbformat.from_dict(plain))
