#!/usr/bin/env bash
# The course's JupyterHub on one machine: everything the hub and every account's server
# run, in PREFIX (default /opt/sociallearning-hub), readable by every account.
#
#   install-hub-env.sh [PREFIX] [EXCHANGE]        (as root)
#
# PREFIX/venv          Python from Debian (/usr/bin/python3: a Python under /root cannot
#                      run as another account) with the course's packages installed as a
#                      copy, not from this checkout: sociallearning and autograder only, so
#                      no solution, check or hidden case is in the learners' environment
#                      (class mode); JupyterHub, nbgrader, nbgitpuller, psycopg.
# PREFIX/venv/etc/jupyter/nbgrader_config.py
#                      the system-wide nbgrader configuration of every server started from
#                      this Python (Jupyter reads {sys.prefix}/etc/jupyter): the exchange
#                      EXCHANGE (default /srv/nbgrader/exchange; root's, 0755), the course
#                      list from the hub's groups.
# PREFIX/learner-config  JupyterLab settings for learners (no instructor tools).
# PREFIX/course-home   the class repository that the nbgitpuller link pulls: the module
#                      notebooks and the sample data (a git repository; no exercises),
#                      and PREFIX/learner-gitconfig, which lets learners' git read it.
# Safe to run again: the venv is rebuilt only when the course's packages changed.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix=$(realpath -m "${1:-/opt/sociallearning-hub}")
exchange=$(realpath -m "${2:-/srv/nbgrader/exchange}")

if [ "$(id -u)" -ne 0 ]; then
  echo "Run as root: the hub starts each account's server as that account." >&2
  exit 1
fi
bash "$repo/deploy/install-system-parts.sh"
python=/usr/bin/python3
if ! "$python" -c 'import sys, venv, ensurepip; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "Needs Debian's Python 3.11 or newer with venv: apt-get install python3 python3-venv" >&2
  exit 1
fi
command -v git >/dev/null || { echo "Needs git (nbgitpuller): apt-get install git" >&2; exit 1; }

umask 022
mkdir -p "$prefix"
chmod 755 "$prefix"

# --- the Python environment ---------------------------------------------------------
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
# Only what the course's distribution holds: never exercises/ (solutions, checks).
for part in pyproject.toml README.md LICENSE sociallearning autograder; do
  cp -r "$repo/$part" "$stage/"
done
find "$stage" -name __pycache__ -prune -exec rm -rf {} +
stamp=$(cd "$stage" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16)
if [ "$(cat "$prefix/venv/.course-stamp" 2>/dev/null)" != "$stamp" ]; then
  echo "Building the hub's Python environment in $prefix/venv"
  [ -x "$prefix/venv/bin/python" ] || "$python" -m venv "$prefix/venv"
  "$prefix/venv/bin/pip" install -q --disable-pip-version-check \
    "jupyterhub>=5" "nbgitpuller>=1.2" "psycopg[binary]>=3.1" "$stage" 2>&1 \
    | grep -v '^WARNING: Location' || true
  "$prefix/venv/bin/pip" install -q --disable-pip-version-check --no-deps \
    --force-reinstall "$stage" 2>&1 | grep -v '^WARNING: Location' || true
  "$prefix/venv/bin/python" -c 'import sociallearning, autograder, jupyterhub, nbgitpuller'
  echo "$stamp" > "$prefix/venv/.course-stamp"
fi

# --- system-wide nbgrader configuration (every account's server reads it) ------------
mkdir -p "$prefix/venv/etc/jupyter"
sed "s|^EXCHANGE_ROOT = .*|EXCHANGE_ROOT = \"$exchange\"|" "$here/nbgrader_config.py" \
  > "$prefix/venv/etc/jupyter/nbgrader_config.py"
# The exchange: root's alone. Each course's folder in it is made by root for the course's
# grader account (README, step by step), so no learner can make a course's folder, and
# with it the inbound folder of everyone's submissions, before the instructor does.
mkdir -p "$exchange"
chown root:root "$exchange"
chmod 755 "$exchange"

# --- learners' JupyterLab settings (no formgrader, no course list, no "create") ------
rm -rf "$prefix/learner-config"
cp -r "$repo/deploy/learner-lab" "$prefix/learner-config"
rm -f "$prefix/learner-config/README.md"

# --- the class repository for the nbgitpuller link ------------------------------------
home="$prefix/course-home"
mkdir -p "$home"
rm -rf "$home/course" "$home/data"
cp -r "$repo/course" "$repo/data" "$repo/LICENSE" "$home/"
find "$home" -name .ipynb_checkpoints -prune -exec rm -rf {} +
cat > "$home/README.md" <<'TEXT'
# Social Learning: the course notebooks

Open `course/00_start_here.ipynb`. Your exercises come through the Assignments tab
(nbgrader): fetch one, work on it, submit it. The sample data in `data/` is synthetic.
TEXT
git_here() { git -C "$home" -c user.name="course hub" -c user.email="hub@localhost" "$@"; }
[ -d "$home/.git" ] || git_here init -q -b main
git_here add -A
git_here diff --cached --quiet || git_here commit -q -m "The course notebooks and sample data"
# git reads a repository another account owns only when told it is safe: learners'
# servers use this as their git configuration (it includes their own ~/.gitconfig).
printf '[safe]\n\tdirectory = %s\n[include]\n\tpath = ~/.gitconfig\n' "$home/.git" \
  > "$prefix/learner-gitconfig"

# This checkout holds every exercise's checks, solutions and hidden cases (exercises/,
# and git's history in .git): on the hub's machine, learners must not be able to read it.
for private in "$repo/exercises" "$repo/.git"; do
  if [ -e "$private" ] && runuser -u nobody -- test -r "$private" 2>/dev/null; then
    echo "WARNING: $private can be read by every account on this machine, learners" \
         "included: it holds the answers. Keep the checkout where only its owner reads it," \
         "e.g. chmod go-rwx $repo" >&2
  fi
done

echo "Hub environment ready in $prefix (exchange: $exchange)."
