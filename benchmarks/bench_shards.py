"""Grading throughput with one grader process against two shares (`--shard 1/2`, `2/2`)
at once, into one gradebook on PostgreSQL (started by deploy/jupyterhub/gradebook-postgres.sh).

One assignment (default 01_sponsors) and a synthetic class of honest submissions (as in
bench_autograde.py), copied into two course folders, each with its own database on the
same server. One is graded by one `python -m autograder autograde` process with
`--jobs J`; the other by two processes started together, `--shard 1/2` and `--shard 2/2`,
each with `--jobs J/2` (the same cores in all), timed from the first start to the last exit.
The two gradebooks are then compared submission by submission. Run as root.

    python benchmarks/bench_shards.py [--students 16] [--assignment 01_sponsors] [--jobs 2]
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.course import init_course

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_autograde import copy_course, make_class, nbgrader  # noqa: E402

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "jupyterhub" / "gradebook-postgres.sh"


def postgres(*args: str) -> str:
    done = subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return done.stdout.strip().splitlines()[-1]


def grade(course: Path, name: str, jobs: int, shard: str | None = None) -> subprocess.Popen:
    command = [sys.executable, "-m", "autograder", "autograde", name, "--course", str(course),
               "--jobs", str(jobs), *(["--shard", shard] if shard else [])]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait(runs: list[subprocess.Popen]) -> None:
    for run in runs:
        _, err = run.communicate()
        if run.returncode != 0:
            raise SystemExit(err[-3000:])


def scores(db_url: str, name: str) -> dict:
    with Gradebook(db_url) as gradebook:
        found = {s.student.id: s.score for s in gradebook.find_assignment(name).submissions}
        gradebook.engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--assignment", default="01_sponsors")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2,
                        help="grading jobs in all (default: cores)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench_shards: skipped (needs root to start PostgreSQL)")
        return
    name = args.assignment
    with socket.socket() as probe:  # a free port for the benchmark's own server
        probe.bind(("127.0.0.1", 0))
        port = str(probe.getsockname()[1])
    base = Path(tempfile.mkdtemp(prefix="bench-shards-", dir="/var/tmp"))
    base.chmod(0o755)
    data = base / "pg"
    postgres("start", str(data), port)
    try:
        urls = {which: postgres("createdb", str(data), which) for which in ("one", "two")}
        pristine = base / "pristine"
        init_course(pristine, "bench")
        courses = {}
        for which, url in urls.items():
            course = base / which
            copy_course(pristine, course)
            with (course / "nbgrader_config.py").open("a") as config:
                config.write(f"c.CourseDirectory.db_url = {url!r}\n")
            nbgrader(course, "generate_assignment", name)
            make_class(course, name, args.students)
            courses[which] = course
        print(f"{args.students} submissions of {name}; {os.cpu_count()} cores; "
              f"{args.jobs} job(s) in all", flush=True)
        started = time.perf_counter()
        wait([grade(courses["one"], name, args.jobs)])
        one = time.perf_counter() - started
        half = max(1, args.jobs // 2)
        started = time.perf_counter()
        wait([grade(courses["two"], name, half, f"{k}/2") for k in (1, 2)])
        two = time.perf_counter() - started
        same = scores(urls["one"], name) == scores(urls["two"], name)
        print(f"one process, --jobs {args.jobs}:        {one:6.1f} s "
              f"({args.students / one:.2f} submissions/s)")
        print(f"two shares at once, --jobs {half} each: {two:6.1f} s "
              f"({args.students / two:.2f} submissions/s)")
        print(f"throughput, two shares against one: {one / two:.2f}x; "
              f"gradebooks {'equal' if same else 'DIFFER'}")
    finally:
        postgres("stop", str(data))
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
