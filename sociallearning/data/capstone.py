"""The capstone's scenario: a second re-org, drawn by the same generator from another seed.

The capstone (module 06) asks for a 90-day relaunch plan in a company the learner has not
seen: same kind of units and offices, but other people, other sponsors, other stances and
other community health. Only the files the capstone reads are kept, in `data/capstone/`.

    from sociallearning.data import capstone
    org_after = capstone.load("org_after")      # a typed DataFrame, as sociallearning.data.load

    python -m sociallearning.data.capstone      # rewrite data/capstone/ (seed and scale below)

Everything in it is synthetic, like the rest of the sample data.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

from .load import REPO_DATA
from .load import load as _load
from .schema import REFERENCE_NOW

SEED = 20261130
SCALE = 0.5
FOLDER = REPO_DATA / "capstone"
# What the capstone reads (and what those files refer to, so every load can check its ids).
DATASETS = ("org_before", "org_after", "sponsors", "communities", "community_accounts",
            "memberships", "posts", "outcomes")
# The relaunch runs 90 days from the Monday after the data's "now" (a Friday).
PLAN_START = (REFERENCE_NOW.normalize() + pd.offsets.Week(weekday=0)).tz_localize(None)
PLAN_DAYS = 90


def load(name: str) -> pd.DataFrame:
    """One of the capstone's datasets (see DATASETS) as a typed DataFrame."""
    if name not in DATASETS:
        from .schema import DataError

        raise DataError(f"The capstone has no dataset '{name}'. Choose one of: "
                        f"{', '.join(DATASETS)}.")
    return _load(name, data_dir=FOLDER)


def generate(out_dir: Path = FOLDER) -> dict:
    """Write the capstone's files and their manifest into out_dir; return the manifest."""
    from .generate import generate as generate_all
    from .schema import DATASETS as ALL

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="capstone-") as scratch:
        full = generate_all(Path(scratch), seed=SEED, scale=SCALE)
        files = {}
        for name in DATASETS:
            file = ALL[name].file
            shutil.copyfile(Path(scratch) / file, out_dir / file)
            files[file] = full["files"][file]
    manifest = {
        "seed": SEED,
        "scale": SCALE,
        "reference_now": full["reference_now"],
        "synthetic": True,
        "description": ("Synthetic capstone scenario: a second re-org drawn by the course's "
                        "generator from another seed. No record describes a real person."),
        "files": files,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n",
                                           encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    out = Path(argv[0]) if argv else FOLDER
    manifest = generate(out)
    print(f"Wrote {len(manifest['files'])} capstone files (seed {SEED}, scale {SCALE:g}) "
          f"into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
