"""Command line: `python -m autograder {init,autograde,selfgrade,record-visible} ...`."""

import argparse
import sys
from pathlib import Path

# jsonschema (imported with nbformat and nbgrader) imports rfc3987_syntax, when installed,
# only to check strings of the "iri" format, which no notebook or nbgrader schema uses;
# importing it compiles a grammar, 0.7 s at every start of this command. Without it,
# jsonschema leaves that one format unchecked.
sys.modules.setdefault("rfc3987_syntax", None)

from autograder.course import CourseError  # noqa: E402 - after the line above
from autograder.sandbox import UNSAFE_FLAG, Limits, SandboxUnavailable, check_sandbox  # noqa: E402


def _add_sandbox_options(parser: argparse.ArgumentParser) -> None:
    defaults = Limits()
    group = parser.add_argument_group("sandbox limits (per notebook)")
    group.add_argument("--memory-mb", type=int, default=defaults.memory_mb)
    group.add_argument("--max-processes", type=int, default=defaults.max_processes)
    group.add_argument("--max-file-mb", type=int, default=defaults.max_file_mb)
    group.add_argument("--cell-timeout", type=int, default=defaults.cell_seconds,
                       help="seconds per cell before it is interrupted")
    group.add_argument("--notebook-timeout", type=int, default=defaults.notebook_seconds,
                       help="seconds of wall time per notebook before it is stopped")
    group.add_argument("--output-kb", type=int, default=defaults.output_kb)
    group.add_argument("--scratch-mb", type=int, default=defaults.scratch_mb,
                       help="writable scratch space of one notebook (all its files together)")
    group.add_argument("--cpus", type=float, default=defaults.cpus,
                       help="CPU share of one notebook's processes together")
    group.add_argument(UNSAFE_FLAG, dest="unsafe", action="store_true",
                       help="run student code WITHOUT the sandbox, with your own rights "
                            "(only where the sandbox cannot run; at your own risk)")


def _limits(args) -> Limits:
    return Limits(memory_mb=args.memory_mb, max_processes=args.max_processes,
                  max_file_mb=args.max_file_mb, cell_seconds=args.cell_timeout,
                  notebook_seconds=args.notebook_timeout, output_kb=args.output_kb,
                  scratch_mb=args.scratch_mb, cpus=args.cpus)


def _use_sandbox(args) -> bool:
    """True when the sandbox works; with the unsafe flag, False (said out loud)."""
    if args.unsafe:
        print("WARNING: grading WITHOUT the sandbox (--unsafe-no-sandbox): student code runs "
              "with your rights, files and network.", file=sys.stderr)
        return False
    print(check_sandbox().describe(_limits(args)), file=sys.stderr)
    return True


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="create an nbgrader course from exercises/source")
    init.add_argument("course_dir", type=Path)
    init.add_argument("--course-id", required=True)
    init.add_argument("--exchange", type=Path, default=None,
                      help="nbgrader exchange folder (default: nbgrader's own)")
    init.add_argument("--source", type=Path, default=None,
                      help="exercises folder (default: this course's exercises/source)")

    grade = commands.add_parser("autograde", help="grade all submissions, in parallel, sandboxed")
    grade.add_argument("assignment", nargs="+",
                       help="one or more assignments, graded together in one batch")
    grade.add_argument("--course", type=Path, required=True, help="the course folder")
    grade.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: cores)")
    grade.add_argument("--student", nargs="+", default=None, help="grade only these students")
    _add_sandbox_options(grade)

    record = commands.add_parser(
        "record-visible", help="(re)write visible_checks.json, the instant feedback that "
        "students get, for the course's assignments (init does it once)")
    record.add_argument("course_dir", type=Path)
    record.add_argument("assignments", nargs="*", help="default: every assignment")

    selfgrade = commands.add_parser("selfgrade", help="grade your own work in my-work/")
    selfgrade.add_argument("--work", type=Path, default=None,
                           help="your exercises folder (default: my-work)")
    selfgrade.add_argument("--jobs", type=int, default=None)
    _add_sandbox_options(selfgrade)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            from autograder.course import init_course

            names = init_course(args.course_dir, args.course_id, args.source, args.exchange)
            print(f"Course {args.course_id!r} created in {args.course_dir.resolve()} with "
                  f"{len(names)} assignment(s): {', '.join(names)}.\nNext: cd there and run "
                  f"`nbgrader generate_assignment {names[0]}`.")
            if args.exchange is not None:
                from autograder.course import STUDENT_CONFIG, SYSTEM_CONFIG

                made = args.course_dir.resolve() / STUDENT_CONFIG
                print(f"Students fetch and submit through {args.exchange.resolve()} only "
                      f"with the system-wide config written to {made}: install it as "
                      f"`sudo cp {made} {SYSTEM_CONFIG}` on the machine they use.")
            return 0
        if args.command == "autograde":
            from autograder.batch import autograde, summary_table
            from autograder.course import Course

            course = Course.open(args.course)
            rows = autograde(course, args.assignment, jobs=args.jobs, students=args.student,
                             limits=_limits(args), use_sandbox=_use_sandbox(args))
            print(summary_table(rows))
            return 0
        if args.command == "record-visible":
            from autograder.course import Course
            from autograder.visible_record import RecordError, record_course

            course = Course.open(args.course_dir)
            try:
                written = record_course(course.root, args.assignments)
            except RecordError as error:
                raise CourseError(str(error)) from None
            for name, path in written.items():
                print(f"{name}: {path} ({path.stat().st_size} bytes)")
            print("Next: `nbgrader generate_assignment --force NAME` releases it with the "
                  "notebook.")
            return 0
        if args.command == "selfgrade":
            from autograder.selfgrade import selfgrade

            return selfgrade(args.work, jobs=args.jobs, limits=_limits(args),
                             use_sandbox=_use_sandbox(args))
    except (CourseError, SandboxUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
