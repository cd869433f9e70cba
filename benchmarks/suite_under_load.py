"""The whole test suite on a busy machine: does it pass every time, and how much slower is it?

    python benchmarks/suite_under_load.py [--runs 5] [--busy 2] [--repo PATH]

Runs `python -m pytest -q` in the repository once on a quiet machine (the baseline), then
`--runs` times in a row while `--busy` processes each spin one core flat out (a plain
Python busy loop at normal priority, so the suite competes for every core). Prints one
markdown row per run and the ratio to the baseline. Not part of `make bench`: it takes
about as long as the suite, times `--runs + 1`.
"""

import argparse
import re
import subprocess
import sys
import time
from pathlib import Path

BUSY_LOOP = "while True: pass"


def run_suite(repo: Path) -> tuple[bool, float, str]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=repo, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    summary = next((line for line in reversed(done.stdout.splitlines())
                    if re.search(r"\d+ (passed|failed)", line)), done.stdout[-300:])
    return done.returncode == 0, seconds, summary.strip("= ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--busy", type=int, default=2, help="busy processes (one per core)")
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args()

    print("| run | load | result | suite (s) | ratio to quiet |\n|---|---|---|---:|---:|",
          flush=True)
    passed, quiet, summary = run_suite(args.repo)
    print(f"| baseline | none | {summary} | {quiet:.0f} | 1.00 |", flush=True)
    all_passed = passed
    for number in range(1, args.runs + 1):
        busy = [subprocess.Popen([sys.executable, "-c", BUSY_LOOP]) for _ in range(args.busy)]
        try:
            passed, seconds, summary = run_suite(args.repo)
        finally:
            for process in busy:
                process.kill()
                process.wait()
        all_passed &= passed
        print(f"| {number} | {args.busy} busy loops | {summary} | {seconds:.0f} | "
              f"{seconds / quiet:.2f} |", flush=True)
    return 0 if all_passed else 1


if __name__ == "__main__":
    sys.exit(main())
