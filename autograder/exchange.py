"""nbgrader's exchange, with each submission kept as its learner's own.

nbgrader's submit leaves each submission's folder in the exchange writable by everyone
(mode 0777, so that an instructor may remove it), in an inbound folder where everyone may
also rename or remove any entry (0733, no sticky bit); only the random part of each name
keeps others out. deploy/jupyterhub/nbgrader_config.py sets these two instead:
- `c.ExchangeFactory.submit = "autograder.exchange.OwnSubmission"`: a submission's folder
  is its learner's alone to change (0755); the instructor still reads and collects it;
- `c.ExchangeFactory.release_assignment = "autograder.exchange.StickyInboundRelease"`: the
  course's inbound folder gets the sticky bit when the instructor releases, so nobody can
  rename or remove another's submission, even knowing its name.
"""

import os
import stat

from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.exchange.default.submit import ExchangeSubmit


class OwnSubmission(ExchangeSubmit):
    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        os.chmod(submission, 0o755)


class StickyInboundRelease(ExchangeReleaseAssignment):
    def init_dest(self):
        super().init_dest()
        mode = os.stat(self.inbound_path).st_mode
        if os.stat(self.inbound_path).st_uid == os.getuid() and not mode & stat.S_ISVTX:
            os.chmod(self.inbound_path, stat.S_IMODE(mode) | stat.S_ISVTX)
