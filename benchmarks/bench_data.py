"""Sample data: generate and load time as the data grows.

    python benchmarks/bench_data.py                 # scales 1, 16 and 270 (~1,000,000 posts)
    python benchmarks/bench_data.py --scales 1 4    # quicker
    python benchmarks/bench_data.py --write-readme  # record the table in benchmarks/README.md

Reports ratios against scale 1 (time ratio vs rows ratio) so results compare across machines.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import tempfile
import time
from pathlib import Path

from sociallearning.data import clear_cache, datasets, load
from sociallearning.data.generate import generate

README = Path(__file__).resolve().parent / "README.md"
SECTION = "## Sample data"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "unknown"
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, AttributeError):
        pass
    return (f"{os.cpu_count()} cores (nproc), {cpu}, {ram} RAM, Python "
            f"{platform.python_version()}")


def measure(scale: float) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        manifest = generate(Path(folder), scale=scale)
        generate_s = time.perf_counter() - started
        clear_cache()
        started = time.perf_counter()
        for name in datasets():
            load(name, data_dir=folder)
        load_s = time.perf_counter() - started
    rows = sum(f["rows"] for f in manifest["files"].values())
    posts = manifest["files"]["posts.csv"]["rows"]
    return {"scale": scale, "posts": posts, "rows": rows, "generate_s": generate_s,
            "load_s": load_s}


def table(results: list[dict]) -> str:
    base = results[0]
    lines = [
        "| scale | posts | all rows | generate (s) | load all (s) | rows ratio | "
        "generate ratio | load ratio |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']:g} | {r['posts']:,} | {r['rows']:,} | {r['generate_s']:.2f} | "
            f"{r['load_s']:.2f} | {r['rows'] / base['rows']:.1f} | "
            f"{r['generate_s'] / base['generate_s']:.1f} | {r['load_s'] / base['load_s']:.1f} |")
    return "\n".join(lines)


def write_readme(text: str) -> None:
    current = README.read_text(encoding="utf-8") if README.exists() else (
        "# Benchmarks\n\nSpeed measurements, reported as ratios so they compare across "
        "machines.\n")
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        current = pattern.sub(lambda _m: text, current)
    else:
        current = current.rstrip("\n") + "\n\n" + text
    README.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 16, 270])
    parser.add_argument("--write-readme", action="store_true")
    args = parser.parse_args()
    results = []
    for scale in args.scales:
        result = measure(scale)
        results.append(result)
        print(f"scale {scale:g}: {result['posts']:,} posts, generate {result['generate_s']:.2f}s,"
              f" load all {result['load_s']:.2f}s", flush=True)
    report = table(results)
    print()
    print(report)
    if args.write_readme:
        text = (f"{SECTION}\n\n`python benchmarks/bench_data.py --write-readme` generates the "
                "synthetic sample data at each scale into a temporary folder, then loads every "
                "dataset (with all checks) from a cold cache. Ratios are against scale 1; linear "
                "growth means the time ratio follows the rows ratio (fixed costs such as the X "
                "world, which does not grow with scale, keep small-scale ratios below it).\n\n"
                f"Machine: {machine()}.\n\n{report}\n")
        write_readme(text)
        print(f"\nWrote the '{SECTION}' section of {README}")


if __name__ == "__main__":
    main()
