"""Feedback without hidden tests: an nbconvert preprocessor for `nbgrader generate_feedback`.

nbgrader's feedback shows the autograded notebook as it is, hidden tests and all
(nbgrader issues #917 and #1363): both in the test cell's source and in the traceback
of a failed hidden check, which quotes the failing line. This preprocessor, listed in
the course's `GenerateFeedback.preprocessors` by `autograder init`, replaces each
hidden region with a one-line note and cuts the traceback of a failed test cell that
had hidden tests down to its error message.
"""

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

HIDDEN_NOTE = "# (hidden tests are not shown)"


def remove_hidden_regions(source: str, begin: str, end: str) -> tuple[str, bool]:
    kept, inside, found = [], False, False
    for line in source.splitlines():
        if begin in line:
            inside, found = True, True
            kept.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTE)
            continue
        if end in line:
            inside = False
            continue
        if not inside:
            kept.append(line)
    return "\n".join(kept), found


class HideHiddenTests(Preprocessor):
    enabled = Bool(True).tag(config=True)  # nbconvert preprocessors are off by default
    begin = Unicode("BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        cell.source, had_hidden = remove_hidden_regions(cell.source, self.begin, self.end)
        if had_hidden:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename', 'Error')}: "
                                           f"{output.get('evalue', '')}"]
        return cell, resources
