"""JupyterHub for the course on one machine: real accounts, one server each, nbgrader's
exchange between them, a formgrader per course.

    jupyterhub -f deploy/jupyterhub/jupyterhub_config.py     (as root; see README, "teams")

What is specific to a site (addresses, accounts, courses) is in a JSON file, by default
/etc/sociallearning-hub/settings.json, else $SOCIALLEARNING_HUB_SETTINGS; see
hub-settings.example.json. `make hub` writes one for a demo and starts this hub.

- Log in: PAM, the machine's own accounts and passwords. Each server runs as its user
  (LocalProcessSpawner), so nbgrader's exchange and every file keep Unix ownership:
  what one learner submits, another cannot list, read or change.
- Allowed: the instructors and learners of the courses, nobody else with an account.
- Groups, one pair per course: `formgrade-<course>` (instructors) and `nbgrader-<course>`
  (learners); nbgrader's JupyterHubAuthPlugin reads them (see nbgrader_config.py).
- Formgrader: a hub-managed service per course, named after the course, running as the
  course's grader account in the course folder; only `formgrade-<course>` may open it.
- Learners get the course notebooks through an nbgitpuller link, their exercises through
  nbgrader's Assignments tab, and no instructor tools. Instructors get nbgrader's tools.
Written for JupyterHub 5 and 6: allowed_users, load_groups, load_roles with scopes.
"""

import json
import os
import pwd
from pathlib import Path

c = get_config()  # noqa: F821

SETTINGS = Path(os.environ.get("SOCIALLEARNING_HUB_SETTINGS",
                               "/etc/sociallearning-hub/settings.json"))
settings = json.loads(SETTINGS.read_text())
prefix = Path(settings["prefix"])
venv_bin = prefix / "venv" / "bin"
state = Path(settings["state"])
state.mkdir(mode=0o700, parents=True, exist_ok=True)
courses = settings["courses"]
instructors = sorted({name for course in courses for name in course["instructors"]})
learners = sorted({name for course in courses for name in course["learners"]})
# Where nbgitpuller puts the course notebooks in a learner's home.
CLASS_FOLDER = "social-learning-course"

# --- where it listens: the proxy for people; the hub and the proxy's API on loopback --
c.JupyterHub.bind_url = f"http://{settings.get('ip', '127.0.0.1')}:{settings.get('port', 8000)}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.get("hub_port", 8081)
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.get('proxy_api_port', 8001)}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")

# --- who may log in -----------------------------------------------------------------
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(instructors) | set(learners)
c.Authenticator.admin_users = set(settings.get("admins", []))
# Only those: not every user the hub's database knows (the grader accounts are there, as
# group members, and must never log in).
c.Authenticator.allow_existing_users = False

c.JupyterHub.load_groups = {}
for course in courses:
    # The grader account too: the formgrader lists the course's assignments by the
    # groups of the account it runs as.
    c.JupyterHub.load_groups[f"formgrade-{course['id']}"] = {
        "users": [*course["instructors"], course["grader"]]}
    c.JupyterHub.load_groups[f"nbgrader-{course['id']}"] = {"users": course["learners"]}

c.JupyterHub.load_roles = [
    # Everyone: their own server and account only. (JupyterHub's default user role also
    # opens every service, formgraders included.)
    {"name": "user", "scopes": ["self"]},
    # A server's own token may also read its user's groups: nbgrader's course list.
    {"name": "server", "scopes": ["users:activity!user", "access:servers!server",
                                  "read:users:name!user", "read:users:groups!user"]},
]
for course in courses:
    name = course["id"]
    c.JupyterHub.load_roles += [
        {"name": f"formgrade-{name}", "groups": [f"formgrade-{name}"],
         "scopes": [f"access:services!service={name}"]},
        # The formgrader reads its own account's groups (its course list) and adds
        # learners to the course's group when an instructor adds a student (nbgrader's
        # JupyterHubAuthPlugin).
        {"name": f"grader-{name}", "services": [name],
         "scopes": ["list:groups", f"read:groups!group=nbgrader-{name}",
                    f"groups!group=nbgrader-{name}",
                    f"read:users:name!user={course['grader']}",
                    f"read:users:groups!user={course['grader']}"]},
    ]

# --- each account's server ------------------------------------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(venv_bin / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
PATH = f"{venv_bin}:/usr/local/bin:/usr/bin:/bin"
c.Spawner.environment = {"PATH": PATH}
# Start-up of a fresh JupyterLab on a busy small machine can take a while.
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 90


def course_environment(spawner) -> None:
    """Per account: where its course notebooks are, and which tools it gets."""
    name = spawner.user.name
    groups = {group.name for group in spawner.user.groups}
    home = Path(pwd.getpwnam(name).pw_dir)
    teaches = any(group.startswith("formgrade-") for group in groups)
    environment = {"PATH": PATH}
    if teaches:
        # Instructors: nbgrader's tools; the sample data from the hub's copy.
        environment["SOCIALLEARNING_HOME"] = str(prefix / "course-home")
    else:
        # Learners: the notebooks and data nbgitpuller pulled into their home; no
        # formgrader, no course list, no "create assignment" (deploy/learner-lab).
        environment["SOCIALLEARNING_HOME"] = str(home / CLASS_FOLDER)
        environment["JUPYTER_CONFIG_PATH"] = str(prefix / "learner-config")
        # git reads a repository that another account owns only when told it is safe:
        # the class repository on this machine (nbgitpuller's link), that one only.
        environment["GIT_CONFIG_GLOBAL"] = str(prefix / "learner-gitconfig")
    spawner.environment = {**spawner.environment, **environment}


c.Spawner.pre_spawn_hook = course_environment

# --- a formgrader per course ----------------------------------------------------------
c.JupyterHub.services = [
    {
        "name": course["id"],
        "url": f"http://127.0.0.1:{course['service_port']}",
        "command": [str(venv_bin / "jupyterhub-singleuser")],
        "user": course["grader"],
        "cwd": course["directory"],
        "environment": {
            "PATH": PATH,
            "SOCIALLEARNING_HOME": str(prefix / "course-home"),
            # The formgrader opens inside JupyterLab, in a frame of the same origin
            # (/services/<course>/): jupyter_server's frame-ancestors 'self' allows it.
            "JUPYTERHUB_DEFAULT_URL": "/formgrader",
        },
        # The instructor is sent straight in; the role above decides who may.
        "oauth_no_confirm": True,
        "display": True,
    }
    for course in courses
]

