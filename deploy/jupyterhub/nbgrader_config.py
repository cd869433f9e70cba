# The system-wide nbgrader configuration of the course's JupyterHub: every learner's and
# instructor's server reads it. install-hub-env.sh puts it where every server started
# from the hub's Python finds it ({sys.prefix}/etc/jupyter); on a machine without that
# script, copy it to /etc/jupyter/nbgrader_config.py.
#
# A learner's server has no course folder, so nothing else tells nbgrader where the
# exchange is or which courses the learner takes: without this file, "Assignments" shows
# nothing and fetch/submit fail.
from nbgrader.auth import JupyterHubAuthPlugin

c = get_config()  # noqa: F821

# Where released assignments, submissions and feedback pass between accounts. Root's
# alone (0755, install-hub-env.sh makes it); each course's folder in it is made by root
# for the course's grader account before the first release, so no learner can make it
# first. Learners write only in a course's inbound folder (0733, sticky).
EXCHANGE_ROOT = "/srv/nbgrader/exchange"
c.Exchange.root = EXCHANGE_ROOT

# Several courses on one hub: the exchange keeps one folder per course, and a learner's
# fetched work goes to <course>/<assignment> in their home, so two courses' assignments of
# the same name never meet.
c.Exchange.path_includes_course = True

# Who takes which course comes from the hub's groups: nbgrader-<course> for learners,
# formgrade-<course> for instructors (jupyterhub_config.py makes them). A learner sees,
# fetches and submits only their own courses' assignments. It asks the hub with the
# server's own token, which jupyterhub_config.py allows to read the user's groups.
c.Authenticator.plugin_class = JupyterHubAuthPlugin

# A submission's folder in the exchange is its learner's alone to change, and nobody can
# rename or remove another's (nbgrader's own exchange leaves both open to everyone and
# hides submissions only by their random names).
c.ExchangeFactory.submit = "autograder.exchange.OwnSubmission"
c.ExchangeFactory.release_assignment = "autograder.exchange.StickyInboundRelease"
# The instructor collects only what each learner made, never through a link, and dates it
# by when its files last changed: a folder named after another learner, a link to the
# instructor's files, a pipe or a back-dated name is left out (autograder/exchange.py).
c.ExchangeFactory.collect = "autograder.exchange.OwnerCheckedCollect"
# The exchange's root is root's (nbgrader's own classes want it writable by everyone).
c.ExchangeFactory.fetch_assignment = "autograder.exchange.RootOwnedFetch"
c.ExchangeFactory.fetch_feedback = "autograder.exchange.RootOwnedFetchFeedback"
c.ExchangeFactory.list = "autograder.exchange.RootOwnedList"
c.ExchangeFactory.release_feedback = "autograder.exchange.RootOwnedReleaseFeedback"

# A submission keeps the time it was made; lateness is judged at grading, by the
# assignment's due date and the course's LateSubmissionPlugin (nothing is refused).
