"""Student HTML and scripts made harmless in what the grader writes.

The graded notebook is shown by formgrader (served by the instructor's Jupyter server,
so a script there acts as the instructor) and turned into feedback HTML by nbconvert.
nbconvert passes HTML in markdown cells and outputs through as it is, renders
`application/javascript` outputs as <script>, keeps `javascript:` link targets and
renders a ```mermaid fence unescaped, and writes an image's width and height unquoted
(a width of "1 onerror=..." is an attribute). So, in every cell the course does not vouch for
(student answers and student-added cells):
- outputs keep only text/plain, image/png and image/jpeg (a base64 image, with a
  numeric width and height at most), else a text/plain line saying what was left out;
- markdown keeps its markdown but not its HTML: every `<` outside code becomes `&lt;`
  (no tag, comment or autolink can start without one), a link or image whose target
  is not http(s), mailto, relative or a data: image becomes plain text, a mermaid
  fence becomes plain code, MathJax commands that make links or load code (\\href,
  \\require, ...) are broken; the result is rendered with nbconvert's own markdown
  renderer and checked tag by tag, and if anything unexpected is left the whole text
  is shown with every markdown character escaped instead;
- attachments and cell metadata other than nbgrader's (so also a raw cell's
  raw_mimetype: nbconvert then shows it through its bleach filter) are dropped.
Outputs of course cells are made by the student's kernel too (student code ran before
them and can change how anything is displayed), so by default their HTML is kept only
through an allow-list cleaner (bleach) and scripts, widgets and SVG are dropped there
as well; the course cells' own sources are left as they are.

nbconvert's own SanitizeHTML preprocessor (nbconvert.preprocessors.sanitize; 7.17 no
longer lists it in nbconvert.preprocessors) is not reused: it treats every cell alike (so
course cells would lose their HTML too, and student outputs keep bleach-cleaned HTML,
LaTeX and JSON), runs bleach over markdown source (which escapes `>` and `&` in it and
shows `&lt;` inside code), and leaves `javascript:` markdown links, mermaid fences and
attachments alone. Its building block, bleach.clean, is what cleans course-cell HTML here.
"""

import base64
import binascii
import copy
import html
import re
import secrets
from html.parser import HTMLParser

import bleach
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode, from_dict
from traitlets import Bool

SAFE_MIME_TYPES = ("text/plain", "image/png", "image/jpeg")
IMAGE_TYPES = ("image/png", "image/jpeg")
NBGRADER_KEYS = {"grade", "solution", "locked", "task", "points", "grade_id",
                 "schema_version", "cell_type", "checksum", "score", "comment"}
_GRADE_ID = re.compile(r"^[A-Za-z0-9_-]{1,200}$")
_CELL_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")

# --- markdown -----------------------------------------------------------------------------

_FENCE_OPEN = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*?)(\r?\n)?$")
# MathJax commands that make a link, set classes or styles, or load an extension.
_MATHJAX_RISKY = re.compile(r"\\(?=(?:href|url|class|cssId|style|require|unicode|data|html)"
                            r"(?![A-Za-z]))")
_SAFE_SCHEMES = ("http", "https", "mailto")
_SAFE_DATA = re.compile(r"^data:image/(?:png|jpeg|gif|webp);", re.I)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_DESTINATION = re.compile(r"\]([ \t]*\r?\n?[ \t]*)([(:])")
_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")
_AUTOLINK = re.compile(r"<(https?://[^\s<>()\[\]\\`]+)>", re.I)
_ESCAPABLE = re.compile(r"([!-/:-@\[-`{-~])")  # ASCII punctuation (CommonMark escapes)


def safe_url(url: str) -> bool:
    """Whether a link or image target is harmless: http(s), mailto, relative, data: image."""
    # As a browser reads it: tabs and newlines anywhere and leading controls ignored.
    url = re.sub(r"[\t\n\r]", "", url).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c"
                                              "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18"
                                              "\x19\x1a\x1b\x1c\x1d\x1e\x1f <")
    scheme = _SCHEME.match(url)
    if scheme is None:
        return ":" not in url.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return scheme.group(1).lower() in _SAFE_SCHEMES or bool(_SAFE_DATA.match(url))


def _markdown_url(text: str) -> str:
    """The start of a link target as markdown reads it: backslash escapes and entities."""
    text = text.lstrip(" \t\r\n")
    end = re.search(r"[\s)]", text)
    target = text[: end.start()] if end else text
    return html.unescape(re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", target))


def _defuse_mathjax(text: str) -> tuple[str, int]:
    """\\href and the like with a fullwidth backslash: MathJax reads them as text."""
    return _MATHJAX_RISKY.subn("\uff3c", text)


def _escape_text(text: str) -> tuple[str, bool]:
    """Markdown text (no code in it) with `<` escaped and unsafe link targets unlinked."""
    text, defused = _defuse_mathjax(text)
    out, changed, i = [], bool(defused), 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):  # an escaped character stays as it is
            out.append(text[i:i + 2])
            i += 2
            continue
        if char == "<":
            autolink = _AUTOLINK.match(text, i)
            if autolink:  # <https://...> stays a link, as an explicit one
                out.append(f"[{autolink.group(1)}]({autolink.group(1)})")
                i = autolink.end()
                continue
            out.append("&lt;")
            changed = True
        elif char == "]":
            link = _DESTINATION.match(text, i)
            if link and not safe_url(_markdown_url(text[link.end():])):
                out.append("\\]")  # the label never closes: no link, no definition
                changed = True
            else:
                out.append(char)
        else:
            out.append(char)
        i += 1
    return "".join(out), changed


def _code_span_end(text: str, start: int, run: int) -> int | None:
    """Where the code span opened by `run` backticks at `start` ends (after its closer)."""
    limit = _BLANK_LINE.search(text, start)
    stop = limit.start() if limit else len(text)
    for closer in re.finditer(r"`+", text[start + run:stop]):
        if len(closer.group()) == run:
            return start + run + closer.end()
    return None


def _math_end(text: str, start: int) -> int | None:
    """Where `$...$` or `$$...$$` opened at `start` ends, as nbconvert's renderer finds it."""
    if text.startswith("$$", start):
        close = re.compile(r"(?<!\\)\$\$").search(text, start + 2)
        return close.end() if close else None
    limit = _BLANK_LINE.search(text, start)
    stop = limit.start() if limit else len(text)
    close = re.compile(r"(?<![$\\])\$").search(text, start + 2, stop)
    return close.end() if close else None


def _escape_inline(text: str) -> tuple[str, bool]:
    """A run of markdown outside fences: code spans and math kept, the rest escaped."""
    out, changed, plain_from, i = [], False, 0, 0

    def flush(until: int) -> None:
        nonlocal changed
        escaped, did = _escape_text(text[plain_from:until])
        out.append(escaped)
        changed = changed or did

    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char in "`$":
            if char == "`":
                run = len(re.match(r"`+", text[i:]).group())
                end = _code_span_end(text, i, run)
            else:
                run = 2 if text.startswith("$$", i) else 1
                end = _math_end(text, i) if i == 0 or text[i - 1] != "$" else None
            if end is None:
                i += run
                continue
            flush(i)
            kept, defused = _defuse_mathjax(text[i:end]) if char == "$" else (text[i:end], 0)
            out.append(kept)
            changed = changed or bool(defused)
            plain_from = i = end
            continue
        i += 1
    flush(len(text))
    return "".join(out), changed


def _escape_markdown(source: str) -> tuple[str, bool]:
    """Markdown whose raw HTML and unsafe links are text, code fences kept as code."""
    lines = source.splitlines(keepends=True)
    out, changed, text, i = [], False, [], 0

    def flush() -> None:
        nonlocal changed
        escaped, did = _escape_inline("".join(text))
        out.append(escaped)
        changed = changed or did
        text.clear()

    while i < len(lines):
        fence = _FENCE_OPEN.match(lines[i])
        if fence is None or (fence.group(2)[0] == "`" and "`" in fence.group(3)):
            text.append(lines[i])
            i += 1
            continue
        flush()
        indent, marks, info, newline = fence.group(1), fence.group(2), fence.group(3), \
            fence.group(4) or ""
        if info.strip().startswith("mermaid"):  # rendered unescaped, and by mermaid's script
            out.append(f"{indent}{marks}text{newline}")
            changed = True
        else:
            out.append(lines[i])
        closer = re.compile(rf"^ {{0,3}}{re.escape(marks[0])}{{{len(marks)},}}[ \t]*\r?\n?$")
        i += 1
        while i < len(lines) and not closer.match(lines[i]):
            out.append(lines[i])
            i += 1
        if i < len(lines):
            out.append(lines[i])
            i += 1
    flush()
    return "".join(out), changed


_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "a", "em", "strong", "del",
         "s", "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr",
         "th", "td", "img", "input", "dl", "dt", "dd", "div", "span", "sup", "sub"}
_ATTRIBUTES = {"class", "id", "href", "src", "alt", "title", "start", "type", "disabled",
               "checked", "style"}


class _Checker(HTMLParser):
    """Finds anything in rendered markdown that markdown itself does not make."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in _TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name not in _ATTRIBUTES:
                self.problems.append(f"{tag} {name}=")
            elif name in ("href", "src") and not safe_url(value):
                self.problems.append(f"{tag} {name}={value[:40]!r}")
            elif name == "style" and not re.fullmatch(r"text-align:(left|right|center)", value):
                self.problems.append(f"{tag} style={value[:40]!r}")
            elif name == "type" and (tag, value) != ("input", "checkbox"):
                self.problems.append(f"{tag} type={value[:40]!r}")
            elif name == "class" and "mermaid" in value.lower():  # drawn by mermaid's script
                self.problems.append(f"{tag} class={value[:40]!r}")

    handle_startendtag = handle_starttag

    def handle_comment(self, data):
        self.problems.append("<!--")

    def handle_decl(self, decl):
        self.problems.append("<!")

    def handle_pi(self, data):
        self.problems.append("<?")

    def unknown_decl(self, data):
        self.problems.append("<![")


def render_markdown(source: str) -> str:
    """The HTML nbconvert's HTMLExporter makes of a markdown cell without attachments."""
    return MarkdownWithMath(renderer=IPythonRenderer(escape=False, attachments={})).render(
        source)


def markdown_problems(source: str) -> list[str]:
    """What in `source`, once rendered by nbconvert, is not plain markdown output."""
    try:
        rendered = render_markdown(source)
    except Exception as error:  # noqa: BLE001 - e.g. a missing attachment
        return [f"{type(error).__name__}: {error}"]
    checker = _Checker()
    checker.feed(rendered)
    checker.close()
    return checker.problems


def _escape_everything(source: str) -> str:
    return _ESCAPABLE.sub(r"\\\1", source)


def neutralize_markdown(source: str) -> tuple[str, str]:
    """Student markdown made harmless, and a note ("" if it needed no change)."""
    source = source if isinstance(source, str) else "".join(source)
    escaped, changed = _escape_markdown(source)
    if not markdown_problems(escaped):
        if changed:
            return escaped, "HTML, scripts and unsafe links in markdown are shown as text"
        return escaped, ""
    everything = _escape_everything(_defuse_mathjax(source)[0])
    if not markdown_problems(everything):
        return everything, "markdown shown as plain text (it held HTML that could not be " \
                           "separated from it)"
    return "(this text could not be shown safely)", "markdown removed (it could not be " \
                                                    "shown safely)"


# --- outputs ------------------------------------------------------------------------------

_HTML_TAGS = {"a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup",
              "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
              "i", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
              "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul"}
_HTML_ATTRIBUTES = {"*": ["class", "title"], "a": ["href"], "td": ["colspan", "rowspan"],
                    "th": ["colspan", "rowspan"]}
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.I | re.S)


def clean_html(text: str) -> str:
    """HTML from a course cell's output through an allow-list (tables and text, no
    scripts, styles, frames, forms, images or event handlers; links http(s)/mailto)."""
    text = _SCRIPT_OR_STYLE.sub("", text)  # their content would otherwise show as text
    return bleach.clean(text, tags=_HTML_TAGS, attributes=_HTML_ATTRIBUTES,
                        protocols={"http", "https", "mailto"}, strip=True, strip_comments=True)


def _text(value) -> str:
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""


def _image(value) -> str | None:
    text = _text(value)
    if not text or not _BASE64.match(text):
        return None
    try:
        base64.b64decode(re.sub(r"\s", "", text), validate=True)
    except (binascii.Error, ValueError):
        return None
    return text


def _image_metadata(metadata, mime: str) -> dict:
    kept = {}
    source = metadata.get(mime) if isinstance(metadata, dict) else None
    for key in ("width", "height"):
        value = source.get(key) if isinstance(source, dict) else None
        if value is None and isinstance(metadata, dict):
            value = metadata.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 1e5:
            kept[key] = int(value)
    return kept


def neutralize_output(output, *, course_cell: bool = False) -> tuple[dict | None, list[str]]:
    """An output rebuilt from what is safe in it (None: dropped), and what was left out.

    `course_cell`: the output of a course cell, whose HTML is kept once cleaned and whose
    markdown is kept once neutralized.
    """
    if not isinstance(output, dict):
        return None, ["an output that was not an output was dropped"]
    kind = output.get("output_type")
    if kind == "stream":
        name = output.get("name") if output.get("name") in ("stdout", "stderr") else "stdout"
        return {"output_type": "stream", "name": name, "text": _text(output.get("text"))}, []
    if kind == "error":
        traceback = output.get("traceback")
        return {"output_type": "error", "ename": _text(output.get("ename")),
                "evalue": _text(output.get("evalue")),
                "traceback": [t for t in traceback if isinstance(t, str)]
                if isinstance(traceback, list) else []}, []
    if kind not in ("display_data", "execute_result"):
        return None, [f"an output of type {str(kind)[:40]!r} was dropped"]
    data = output.get("data") if isinstance(output.get("data"), dict) else {}
    metadata = output.get("metadata")
    safe, safe_metadata, dropped = {}, {}, []
    for mime, value in data.items():
        if mime == "text/plain":
            safe[mime] = _text(value)
        elif mime in IMAGE_TYPES and _image(value) is not None:
            safe[mime] = _image(value)
            if _image_metadata(metadata, mime):
                safe_metadata[mime] = _image_metadata(metadata, mime)
        elif course_cell and mime == "text/html" and (cleaned := clean_html(_text(value))):
            safe[mime] = cleaned
            if cleaned != _text(value):
                dropped.append("text/html (cleaned)")
        elif course_cell and mime == "text/markdown":
            safe[mime], note = neutralize_markdown(_text(value))
            if note:
                dropped.append("text/markdown (cleaned)")
        else:
            dropped.append(str(mime)[:60])
    if not any(m in safe for m in ("text/plain", *IMAGE_TYPES, "text/html")):
        safe["text/plain"] = f"(output not shown by the grader: {', '.join(dropped)})"
    rebuilt = {"output_type": kind, "data": safe, "metadata": safe_metadata}
    if kind == "execute_result":
        count = output.get("execution_count")
        rebuilt["execution_count"] = count if isinstance(count, int) else None
    notes = [f"output types left out: {', '.join(dropped)}"] if dropped else []
    return rebuilt, notes


# --- notebooks ----------------------------------------------------------------------------


def nbgrader_info(cell) -> dict:
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    info = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return info if isinstance(info, dict) else {}


def trusted_grade_ids(release: NotebookNode | dict) -> set[str]:
    """The grade_ids of the course's own cells in a released notebook: locked, not answers."""
    return {info["grade_id"] for info in map(nbgrader_info, release.get("cells", []))
            if info.get("locked") and not info.get("solution")
            and isinstance(info.get("grade_id"), str)}


def _is_trusted(cell, trusted_cell_ids: set[str]) -> bool:
    info = nbgrader_info(cell)
    return info.get("grade_id") in trusted_cell_ids and not info.get("solution")


def _clean_metadata(cell) -> dict:
    info = nbgrader_info(cell)
    kept = {k: copy.deepcopy(v) for k, v in info.items() if k in NBGRADER_KEYS}
    if not kept or not isinstance(kept.get("grade_id"), str) \
            or not _GRADE_ID.match(kept["grade_id"]):
        return {}
    return {"nbgrader": kept}


def neutralize_notebook(nb: NotebookNode, *, trusted_cell_ids: set[str],
                        clean_trusted_outputs: bool = True) -> list[str]:
    """Make every cell not vouched for by the course harmless, in place; returns notes.

    `trusted_cell_ids`: nbgrader grade_ids of the course's cells (trusted_grade_ids() of
    the released notebook); a cell marked as a solution is never trusted. Their sources
    stay as they are; their outputs are cleaned too unless `clean_trusted_outputs` is
    False (they came from the student's kernel). Widget state in the notebook's metadata
    is dropped (it is rendered with the widget library's script).
    """
    notes: list[str] = []
    metadata = nb.get("metadata")
    if isinstance(metadata, dict) and "widgets" in metadata:
        del metadata["widgets"]
        notes.append("widget state was dropped")
    cells = nb.get("cells", [])
    for index, cell in enumerate(cells):
        where = f"cell {index + 1}"
        if not isinstance(cell, dict):
            continue
        if _is_trusted(cell, trusted_cell_ids):
            if clean_trusted_outputs and cell.get("cell_type") == "code":
                notes += [f"{where}: {n}" for n in _neutralize_outputs(cell, course_cell=True)]
            continue
        notes += [f"{where}: {n}" for n in _neutralize_cell(cell)]
        cells[index] = from_dict(cell)
    return notes


def _neutralize_outputs(cell, *, course_cell: bool) -> list[str]:
    outputs, notes = [], []
    for output in cell.get("outputs") or []:
        rebuilt, dropped = neutralize_output(output, course_cell=course_cell)
        notes += dropped
        if rebuilt is not None:
            outputs.append(from_dict(rebuilt))
    cell["outputs"] = outputs
    return notes


def _neutralize_cell(cell) -> list[str]:
    notes = []
    kind = cell.get("cell_type")
    cell["metadata"] = _clean_metadata(cell)
    cell_id = cell.get("id")
    if cell_id is not None and not (isinstance(cell_id, str) and _CELL_ID.match(cell_id)):
        cell["id"] = secrets.token_hex(4)
    source = cell.get("source", "")
    source = source if isinstance(source, str) else _text(source)
    if kind == "code":
        cell["source"] = source
        notes += _neutralize_outputs(cell, course_cell=False)
    elif kind == "markdown":
        if cell.pop("attachments", None):
            notes.append("attachments were dropped")
        cell["source"], note = neutralize_markdown(source)
        if note:
            notes.append(note)
    elif kind == "raw":  # without its raw_mimetype, nbconvert shows it bleach-cleaned
        cell.pop("attachments", None)
        cell["source"] = source
    else:
        cell["cell_type"], cell["source"] = "raw", source
        for key in ("outputs", "execution_count", "attachments"):
            cell.pop(key, None)
        notes.append("a cell of an unknown kind was turned into text")
    return notes


class NeutralizeStudentContent(Preprocessor):
    """For `nbgrader generate_feedback`: the same as neutralize_notebook, trusting the
    cells whose nbgrader metadata says locked and not solution (the course's cells)."""

    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default
    clean_trusted_outputs = Bool(
        True, help="Clean course cells' outputs too (they came from the student's kernel)"
    ).tag(config=True)

    def preprocess(self, nb, resources):
        trusted = trusted_grade_ids(nb)
        for note in neutralize_notebook(nb, trusted_cell_ids=trusted,
                                        clean_trusted_outputs=self.clean_trusted_outputs):
            self.log.debug("%s", note)
        return nb, resources
