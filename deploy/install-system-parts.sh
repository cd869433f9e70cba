#!/usr/bin/env bash
# Installs the system parts that some tests and the JupyterHub path need:
# Debian's chromium (browser tests), bubblewrap and libseccomp2 (the grading sandbox),
# configurable-http-proxy from npm (JupyterHub) and PostgreSQL (a gradebook shared by
# several graders). Safe to run again: it only installs what is missing. Elsewhere it
# says what to install and carries on; the tests that need a missing part skip and name it.
set -euo pipefail

missing_apt=()
command -v chromium >/dev/null 2>&1 || missing_apt+=(chromium)
command -v bwrap >/dev/null 2>&1 || missing_apt+=(bubblewrap)
# The grading sandbox's seccomp filter is compiled with libseccomp (optional: without
# it the sandbox runs without a seccomp filter and says so).
{ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null; } | grep 'libseccomp\.so\.2' >/dev/null \
  || missing_apt+=(libseccomp2)
command -v npm >/dev/null 2>&1 || missing_apt+=(nodejs npm)
# A gradebook shared by several graders (deploy/jupyterhub/gradebook-postgres.sh).
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing_apt+=(postgresql)
need_chp=0
command -v configurable-http-proxy >/dev/null 2>&1 || need_chp=1

if [ ${#missing_apt[@]} -eq 0 ] && [ $need_chp -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  if [ ${#missing_apt[@]} -gt 0 ]; then
    echo "Installing system packages: ${missing_apt[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing_apt[@]}" >/dev/null
  fi
  if [ $need_chp -eq 1 ]; then
    echo "Installing configurable-http-proxy (npm)"
    npm install -g --silent --no-fund --no-audit configurable-http-proxy >/dev/null
  fi
else
  echo "Some optional system parts are missing; the tests that need them will skip."
  [ ${#missing_apt[@]} -gt 0 ] && echo "  Install with your package manager: ${missing_apt[*]}"
  [ $need_chp -eq 1 ] && echo "  Install with npm: npm install -g configurable-http-proxy"
fi
exit 0
