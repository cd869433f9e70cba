"""Command line: `python -m sociallearning.data generate|list`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .load import REPO_DATA, datasets
from .schema import DEFAULT_SEED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sociallearning.data",
        description="The course's synthetic sample data (a fictional company and X world).")
    commands = parser.add_subparsers(dest="command", required=True)
    gen = commands.add_parser("generate", help="write every dataset and manifest.json")
    gen.add_argument("--out", type=Path, default=REPO_DATA,
                     help=f"output folder (default: {REPO_DATA})")
    gen.add_argument("--seed", type=int, default=DEFAULT_SEED,
                     help=f"random seed (default: {DEFAULT_SEED})")
    gen.add_argument("--scale", type=float, default=1.0,
                     help="size multiplier: ~800 employees and ~15,000 posts per unit (default 1)")
    commands.add_parser("list", help="print the dataset names with a description")
    args = parser.parse_args(argv)

    if args.command == "list":
        names = datasets()
        width = max(map(len, names))
        for name, description in names.items():
            print(f"{name:<{width}}  {description}")
        return 0

    if args.scale <= 0:
        parser.error(f"--scale must be positive, got {args.scale}")
    from .generate import generate  # imported here so `list` stays instant

    started = time.perf_counter()
    verbose = args.scale > 1
    print(f"Generating synthetic sample data (seed {args.seed}, scale {args.scale:g}) "
          f"into {args.out}", flush=True)
    manifest = generate(args.out, seed=args.seed, scale=args.scale,
                        progress=(lambda m: print(m, flush=True)) if verbose else None)
    rows = sum(f["rows"] for f in manifest["files"].values())
    print(f"Wrote {len(manifest['files'])} files ({rows:,} rows) and manifest.json in "
          f"{time.perf_counter() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
