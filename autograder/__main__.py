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
    group.add_argument("--memory-mb", type=int, default=defaults.memory_mb,
                       help="memory of one notebook, all its processes together")
    group.add_argument("--max-processes", type=int, default=defaults.max_processes,
                       help="processes (and threads) of one notebook at once")
    group.add_argument("--max-file-mb", type=int, default=defaults.max_file_mb,
                       help="largest file one notebook may write")
    group.add_argument("--cell-timeout", type=int, default=None,
                       help="seconds per cell before it is interrupted; when not given "
                            "(%(default)s), the course's c.Execute.timeout, else "
                            f"{defaults.cell_seconds}")
    group.add_argument("--notebook-timeout", type=int, default=defaults.notebook_seconds,
                       help="seconds of wall time per notebook before it is stopped")
    group.add_argument("--output-kb", type=int, default=defaults.output_kb,
                       help="output kept per notebook; the rest is dropped, with a note")
    group.add_argument("--scratch-mb", type=int, default=defaults.scratch_mb,
                       help="writable scratch space of one notebook (all its files together)")
    group.add_argument("--cpus", type=float, default=defaults.cpus,
                       help="CPU share of one notebook's processes together")
    group.add_argument(UNSAFE_FLAG, dest="unsafe", action="store_true",
                       help="run student code WITHOUT the sandbox, with your own rights "
                            "(only where the sandbox cannot run; at your own risk)")


def _cell_timeout(args) -> int:
    """--cell-timeout, else the course's own c.Execute.timeout, so both always agree."""
    if args.cell_timeout is not None:
        return args.cell_timeout
    course = getattr(args, "course", None)
    if course is not None and (Path(course) / "nbgrader_config.py").is_file():
        from autograder.course import Course

        timeout = Course.open(Path(course)).coursedir.config.get("Execute", {}).get("timeout")
        if isinstance(timeout, int) and timeout > 0:
            return timeout
    return Limits().cell_seconds


def _limits(args) -> Limits:
    return Limits(memory_mb=args.memory_mb, max_processes=args.max_processes,
                  max_file_mb=args.max_file_mb, cell_seconds=_cell_timeout(args),
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
    parser = argparse.ArgumentParser(
        prog="python -m autograder",
        description="The course's grading tools, around nbgrader: create and update a "
                    "course, grade submissions in parallel with student code sandboxed, and "
                    "grade your own work.")
    from importlib.metadata import PackageNotFoundError, version

    try:
        installed = version("sociallearning-course")
    except PackageNotFoundError:
        installed = "unknown"
    parser.add_argument("--version", action="version", version=f"%(prog)s {installed}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    helpful = {"formatter_class": argparse.ArgumentDefaultsHelpFormatter}

    init = commands.add_parser(
        "init", help="create an nbgrader course from exercises/source", **helpful,
        description="Create a course folder in nbgrader's layout with every exercise as an "
                    "assignment. Refuses a folder that already holds anything.")
    init.add_argument("course_dir", type=Path, help="the new course folder")
    init.add_argument("--course-id", required=True, help="the course's id in nbgrader")
    init.add_argument("--exchange", type=Path, default=None,
                      help="nbgrader exchange folder (default: nbgrader's own)")
    init.add_argument("--source", type=Path, default=None,
                      help="exercises folder (default: this course's exercises/source)")

    update = commands.add_parser(
        "update", help="bring a course's exercises up to date", **helpful,
        description="Show what changed in exercises/source since the course was made, and "
                    "copy new and changed files into the course's source/. Submissions, "
                    "grades, feedback and releases are never touched.")
    update.add_argument("--course", type=Path, default=Path("."),
                        help="the course folder")
    update.add_argument("--source", type=Path, default=None,
                        help="exercises folder (default: this course's exercises/source)")
    update.add_argument("--dry-run", action="store_true", help="only show what would change")

    grade = commands.add_parser(
        "autograde", help="grade all submissions, in parallel, sandboxed", **helpful,
        description="Grade every collected submission of one or more assignments into the "
                    "course's gradebook, each notebook in its own sandbox.")
    grade.add_argument("assignment", nargs="+",
                       help="one or more assignments, graded together in one batch")
    grade.add_argument("--course", type=Path, default=Path("."), help="the course folder")
    grade.add_argument("--jobs", type=int, default=None, help="parallel jobs (default: cores)")
    grade.add_argument("--student", nargs="+", default=None, help="grade only these students")
    grade.add_argument("--shard", default=None, metavar="K/N",
                       help="grade only share K of N of the class (e.g. 2/3), so N graders, "
                            "each with its own K, grade the class into one gradebook (set "
                            "c.CourseDirectory.db_url to a PostgreSQL database)")
    _add_sandbox_options(grade)

    record = commands.add_parser(
        "record-visible", help="(re)write visible_checks.json, the instant feedback that "
        "students get, for the course's assignments (init does it once)", **helpful,
        description="Record each visible check's inputs and the reference's results on the "
                    "sample data into visible_checks.json, beside each assignment's source "
                    "notebook; nbgrader releases it to students for instant feedback.")
    record.add_argument("course_dir", type=Path, help="the course folder")
    record.add_argument("assignments", nargs="*", help="default: every assignment")

    selfgrade = commands.add_parser(
        "selfgrade", help="grade your own work in my-work/", **helpful,
        description="Grade your copies of the exercises with the full tests (what `make "
                    "grade` runs); your notebooks are never changed.")
    selfgrade.add_argument("--work", type=Path, default=None,
                           help="your exercises folder (default: my-work)")
    selfgrade.add_argument("--jobs", type=int, default=None,
                           help="parallel jobs (default: cores)")
    _add_sandbox_options(selfgrade)

    review = commands.add_parser(
        "peer-review", help="pair submissions so students review each other's written "
        "answers with the rubric (optional)", **helpful,
        description="After `nbgrader collect`, pair every student who submitted ASSIGNMENT "
                    "with a classmate (nobody reviews themself, everyone is reviewed once) and "
                    "write a review notebook per reviewer into reviews/ASSIGNMENT/: the "
                    "classmate's answers without their name, the rubric of each written task "
                    "as a checklist, and room for feedback; pairs.csv says who reviews whom.")
    review.add_argument("assignment", help="e.g. 06_capstone")
    review.add_argument("--course", type=Path, default=Path("."), help="the course folder")
    review.add_argument("--out", type=Path, default=None,
                        help="where to write (default: COURSE/reviews/ASSIGNMENT)")
    review.add_argument("--seed", type=int, default=0,
                        help="another number gives other pairs")
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

            shard = None
            if args.shard is not None:
                from autograder.batch import Shard

                try:
                    shard = Shard.parse(args.shard)
                except ValueError as error:
                    raise CourseError(str(error)) from None
            course = Course.open(args.course)
            rows = autograde(course, args.assignment, jobs=args.jobs, students=args.student,
                             limits=_limits(args), use_sandbox=_use_sandbox(args),
                             shard=shard)
            print(summary_table(rows))
            return 0
        if args.command == "update":
            from autograder.course import update_course

            changes = update_course(args.course, args.source, dry_run=args.dry_run)
            if not changes:
                print("The course's exercises are up to date.")
                return 0
            print(("Would change" if args.dry_run else "Updated") + ":")
            for change in changes:
                print(f"  {change}")
            if not args.dry_run:
                names = " ".join(change.exercise for change in changes)
                print(f"Next, for each: `nbgrader generate_assignment NAME --force` and release "
                      f"it again ({names}). Collected and graded work was not touched.")
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
        if args.command == "peer-review":
            from autograder.peer_review import make_reviews

            pairs = make_reviews(args.course, args.assignment, out=args.out, seed=args.seed)
            folder = pairs[0].notebook.parents[1]
            print(f"{len(pairs)} review notebooks in {folder}/<reviewer>/ (who reviews whom: "
                  f"{folder / 'pairs.csv'}). Hand each reviewer their folder.")
            return 0
    except (CourseError, SandboxUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1


if __name__ == "__main__":
    sys.exit(main())
