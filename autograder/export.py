"""`nbgrader export` that warns when written answers still wait for a person.

Listed as the course's `ExportApp.plugin_class` by `autograder init`: the grades are
nbgrader's own CSV export; only the warning is added, since an unfinished manual grade
looks like a lost point in a spreadsheet.
"""

from nbgrader.plugins import CsvExportPlugin

from autograder.feedback import pending_manual_points


class CsvExportWithPendingWarning(CsvExportPlugin):
    def export(self, gradebook) -> None:
        pending = pending_manual_points(gradebook)
        if pending:
            self.log.warning(
                "%d submission(s) have written answers not graded yet (%g point(s) in all); "
                "their scores in the export will rise when a person grades them in "
                "formgrader.", len(pending), sum(pending.values()))
        super().export(gradebook)
