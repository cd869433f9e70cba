"""nbgrader's exchange, with each submission kept as its learner's own.

nbgrader's submit leaves each submission's folder in the exchange writable by everyone
(mode 0777, so that an instructor may remove it), in an inbound folder where everyone may
also rename or remove any entry (0733, no sticky bit); only the random part of each name
keeps others out. deploy/jupyterhub/nbgrader_config.py sets these two instead:
- `c.ExchangeFactory.submit = "autograder.exchange.OwnSubmission"`: a submission's folder
  is its learner's alone to change (0755); the instructor still reads and collects it;
- `c.ExchangeFactory.release_assignment = "autograder.exchange.StickyInboundRelease"`: the
  course's inbound folder gets the sticky bit when the instructor releases, so nobody can
  rename or remove another's submission, even knowing its name;
- the exchange's root stays root's (0755; `RootOwnedExchange`, which every exchange
  class here uses): nobody but root makes a course's folder in it;
- `c.ExchangeFactory.collect = "autograder.exchange.OwnerCheckedCollect"`: the instructor
  collects only folders their learner made, never through a link, dated by when their
  files last changed (see the class).
"""

import fnmatch
import os
import pwd
import shutil
import stat
from datetime import UTC, datetime, timedelta

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.fetch_assignment import ExchangeFetchAssignment
from nbgrader.exchange.default.fetch_feedback import ExchangeFetchFeedback
from nbgrader.exchange.default.list import ExchangeList
from nbgrader.exchange.default.release_assignment import ExchangeReleaseAssignment
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.exchange.default.submit import ExchangeSubmit
from traitlets import Bool


class RootOwnedExchange:
    """The exchange's root is root's alone (0755): nbgrader's own exchange wants it
    writable by everyone (and the instructor's release makes it 0777), which lets any
    learner make a course's folder, and its inbound folder, before the instructor does.
    Each course's folder is made by root for the course's grader account instead."""

    def ensure_root(self):
        if not os.path.isdir(self.root):
            self.fail(f"The exchange {self.root} is missing: install-hub-env.sh makes it "
                      "(as root).")
        if not os.access(self.root, os.R_OK | os.X_OK):
            self.fail(f"The exchange {self.root} cannot be read: please contact your "
                      "instructor.")


class RootOwnedFetch(RootOwnedExchange, ExchangeFetchAssignment):
    pass


class RootOwnedFetchFeedback(RootOwnedExchange, ExchangeFetchFeedback):
    pass


class RootOwnedList(RootOwnedExchange, ExchangeList):
    """nbgrader's list reads each submission's notebooks: a learner's pipe named
    `x.ipynb` would hang the instructor's `nbgrader list --inbound` for good. Only
    submissions that are real folders of regular files and folders are listed."""

    def init_dest(self):
        super().init_dest()
        if self.inbound or self.cached:
            self.assignments = [path for path in self.assignments if _plain_folder(path)]


class RootOwnedReleaseFeedback(RootOwnedExchange, ExchangeReleaseFeedback):
    pass


class OwnSubmission(RootOwnedExchange, ExchangeSubmit):
    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        os.chmod(submission, 0o755)


class StickyInboundRelease(RootOwnedExchange, ExchangeReleaseAssignment):
    def init_dest(self):
        super().init_dest()
        mode = os.stat(self.inbound_path).st_mode
        if os.stat(self.inbound_path).st_uid == os.getuid() and not mode & stat.S_ISVTX:
            os.chmod(self.inbound_path, stat.S_IMODE(mode) | stat.S_ISVTX)


REFUSED = "\0refused:"
# A submission's files are written within moments of the time it claims; anything
# changed later than this is judged by when it was changed.
CHANGE_GRACE = timedelta(seconds=120)


class OwnerCheckedCollect(RootOwnedExchange, ExchangeCollect):
    """Collect only what each learner really submitted, as it was when they submitted.

    The inbound folder is writable by every learner, and nbgrader's collect trusts names:
    a folder named `bob+ps1+<time>+x` made by alice is collected as bob's (it only warns),
    and it copies by following links, as the grader account. Here a submission is:
    - a real folder (not a link) owned by the account its name claims; anything else is
      left where it is, with a warning for the instructor;
    - its regular files and folders owned by that account (no links, no pipes or devices,
      no hard links to another's file); others are skipped, with a warning;
    - dated by the later of the time it claims and the kernel's change time of its files
      (which no learner can set back), so a back-dated name or a timestamp.txt edited
      after the due date does not make late work on time. The collected timestamp.txt
      holds that date.
    """

    accounts_from_passwd = Bool(True, help=(
        "Check that a submission's folder is owned by the account its name claims, by "
        "looking the name up in this machine's accounts (one machine for the hub and the "
        "grader). Set False only where the grader cannot know learners' accounts (a "
        "grader pod on Kubernetes): then, as in nbgrader, a mismatch is only warned "
        "about.")).tag(config=True)

    def _path_to_record(self, path):
        record = super()._path_to_record(path)
        refusal = self._refusal(path, record["username"])
        if refusal:
            self.log.warning("Not collected: %s (%s)", path, refusal)
            record["username"] = REFUSED + record["filename"]
            return record
        claimed = record["timestamp"]
        aware = claimed if claimed.tzinfo else claimed.replace(tzinfo=UTC)
        changed = datetime.fromtimestamp(_newest_change(path), UTC)
        if changed > aware + CHANGE_GRACE:
            self.log.warning("%s was changed at %s, after the time it claims (%s): it is "
                             "dated by its change", path, changed, aware)
            record["timestamp"] = changed if claimed.tzinfo else changed.replace(tzinfo=None)
        return record

    def _refusal(self, path, username):
        if username in ("", ".", "..") or os.sep in username:
            return f"{username!r} is not a name"
        info = os.lstat(path)
        if not stat.S_ISDIR(info.st_mode):
            return "not a folder (a link or a file)"
        if not self.accounts_from_passwd:
            return None
        try:
            uid = pwd.getpwnam(username).pw_uid
        except KeyError:
            return f"no account is named {username!r}"
        if info.st_uid != uid:
            return f"made by {_owner(info.st_uid)}, not by {username}"
        return None

    def init_src(self):
        super().init_src()
        self.src_records = [record for record in self.src_records
                            if not record["username"].startswith(REFUSED)]

    def do_copy(self, src, dest, log=None):
        record = self._path_to_record(src)  # again: it may have changed since it was listed
        if record["username"].startswith(REFUSED):
            return
        # Without accounts to look up, the files must at least all be the folder owner's.
        uid = pwd.getpwnam(record["username"]).pw_uid if self.accounts_from_passwd \
            else os.lstat(src).st_uid
        self._copy_owned(src, dest, uid, [0])
        stamp = record["timestamp"]
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        with open(os.path.join(dest, "timestamp.txt"), "w") as handle:
            handle.write(stamp.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC"))

    def _copy_owned(self, src, dest, uid, total):
        os.makedirs(dest, exist_ok=True)
        max_file = 1000 * self.coursedir.max_file_size
        max_total = 1000 * self.coursedir.max_dir_size
        with os.scandir(src) as entries:
            for entry in sorted(entries, key=lambda item: item.name):
                source = os.path.join(src, entry.name)
                if any(fnmatch.fnmatch(entry.name, glob) for glob in self.coursedir.ignore):
                    continue
                info = entry.stat(follow_symlinks=False)
                if info.st_uid != uid:
                    self.log.warning("Skipped %s: made by %s", source, _owner(info.st_uid))
                elif stat.S_ISDIR(info.st_mode):
                    self._copy_owned(source, os.path.join(dest, entry.name), uid, total)
                elif not stat.S_ISREG(info.st_mode):
                    self.log.warning("Skipped %s: not a file (a link, pipe or device)",
                                     source)
                elif info.st_nlink != 1:
                    self.log.warning("Skipped %s: a hard link", source)
                elif info.st_size > max_file or total[0] + info.st_size > max_total:
                    self.log.warning("Skipped %s: too large (%d bytes)", source,
                                     info.st_size)
                else:
                    total[0] += info.st_size
                    self._copy_file(source, os.path.join(dest, entry.name), info)

    @staticmethod
    def _copy_file(source, target, info):
        # O_NOFOLLOW and a second look at the opened file: nothing swapped in between.
        handle = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(handle, "rb") as reader:
            opened = os.fstat(reader.fileno())
            if (opened.st_ino, opened.st_dev) != (info.st_ino, info.st_dev) or \
                    not stat.S_ISREG(opened.st_mode):
                raise OSError(f"{source} changed while it was being collected")
            with open(target, "wb") as writer:
                shutil.copyfileobj(reader, writer, length=1 << 20)
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))


def _plain_folder(path) -> bool:
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
        with os.scandir(path) as entries:
            return all(entry.is_dir(follow_symlinks=False) or
                       entry.is_file(follow_symlinks=False) for entry in entries)
    except OSError:
        return False


def _newest_change(path) -> float:
    newest = os.lstat(path).st_ctime
    for folder, names, files in os.walk(path):
        for name in names + files:
            newest = max(newest, os.lstat(os.path.join(folder, name)).st_ctime)
    return newest


def _owner(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"user id {uid}"
