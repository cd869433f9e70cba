"""Generate every sample dataset and the manifest, deterministically from (seed, scale).

The same arguments give byte-identical files: numpy Generators seeded from the seed, sorted
outputs, fixed text formats, and no wall-clock time in the data.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .generate_bluesky import BlueskyData, build_bluesky
from .generate_community import Community, build_community
from .generate_fediverse import FediverseData, build_fediverse
from .generate_org import Org, build_org
from .generate_outcomes import build_outcomes
from .generate_x import XWorld, build_x
from .schema import DATASETS, DEFAULT_SEED, REFERENCE_NOW
from .timeline import iso_seconds

GENERATOR_VERSION = 1
SYNTHETIC_NOTE = (
    "Synthetic sample data: a fictional company (Northwind Larder) and fictional X, Mastodon "
    "(.example servers) and Bluesky accounts. No record describes a real person or organization."
)


@dataclass
class World:
    org: Org
    community: Community
    outcomes: pd.DataFrame
    x: XWorld
    seed: int
    scale: float
    fediverse: FediverseData | None = None
    bluesky: BlueskyData | None = None


def _rng(seed: int, stream: int) -> np.random.Generator:
    return np.random.default_rng([seed, stream])


def build(seed: int = DEFAULT_SEED, scale: float = 1.0,
          progress: Callable[[str], None] | None = None) -> World:
    """Build every dataset in memory (ground truth included), without writing files."""
    if scale <= 0:
        raise ValueError(f"scale must be positive, got {scale}")
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    org = build_org(_rng(seed, 1), scale)
    say(f"  built org ({len(org.people):,} people) in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    community = build_community(_rng(seed, 2), org, scale)
    say(f"  built community ({len(community.posts):,} posts) in "
        f"{time.perf_counter() - started:.1f}s")
    outcomes = build_outcomes(_rng(seed, 3), org, community.posts)
    x = build_x(_rng(seed, 4))
    fediverse = build_fediverse(_rng(seed, 5))
    bluesky = build_bluesky(_rng(seed, 6))
    return World(org, community, outcomes, x, seed, scale, fediverse, bluesky)


def _tables(world: World) -> dict[str, pd.DataFrame | list[dict]]:
    x = world.x
    sessions = pd.DataFrame({
        "session": [s["session"] for s in x.sessions],
        "starts_at": iso_seconds(np.array([s["starts_at"] for s in x.sessions])),
        "moderator_id": [s["moderator_id"] for s in x.sessions],
        "topic": [s["topic"] for s in x.sessions],
        "questions": [s["questions"] for s in x.sessions],
    })
    follows = pd.DataFrame(x.follows, columns=["source_id", "target_id"])
    c = world.community
    return {
        "org_before": world.org.org_before,
        "org_after": world.org.org_after,
        "sponsors": world.org.sponsors,
        "communities": c.communities,
        "community_accounts": c.community_accounts,
        "memberships": c.memberships,
        "posts": c.posts,
        "reactions": c.reactions,
        "x_users": x.users,
        "x_follows": follows,
        "x_tweets": x.recent_tweets,
        "chat_archive": x.archive_tweets,
        "chat_sessions": sessions,
        "outcomes": world.outcomes,
        "fedi_instances": world.fediverse.instances,
        "fedi_accounts": world.fediverse.accounts,
        "fedi_follows": world.fediverse.follows,
        "fedi_statuses": world.fediverse.statuses,
        "bsky_actors": world.bluesky.actors,
        "bsky_follows": world.bluesky.follows,
        "bsky_posts": world.bluesky.posts,
        "bsky_starter_packs": world.bluesky.starter_packs,
        "bsky_starter_pack_members": world.bluesky.starter_pack_members,
    }


def _write(table: pd.DataFrame | list[dict], path: Path, columns: list[str]) -> int:
    if isinstance(table, pd.DataFrame):
        table = table[columns]
        table.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")
        return len(table)
    with path.open("w", encoding="utf-8", newline="\n") as handle:
        for record in table:
            handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
    return len(table)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def generate(out_dir: Path, seed: int = DEFAULT_SEED, scale: float = 1.0,
             progress: Callable[[str], None] | None = None) -> dict:
    """Write every dataset and manifest.json into out_dir; return the manifest."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    say = progress or (lambda _message: None)
    world = build(seed, scale, progress)
    files = {}
    for name, table in _tables(world).items():
        spec = DATASETS[name]
        started = time.perf_counter()
        path = out_dir / spec.file
        csv_columns = [] if spec.is_jsonl else list(spec.columns)
        rows = _write(table, path, csv_columns)
        files[spec.file] = {"dataset": name, "rows": rows, "sha256": _sha256(path)}
        say(f"  {spec.file:<24} {rows:>10,} rows  {time.perf_counter() - started:6.2f}s")
    manifest = {
        "description": SYNTHETIC_NOTE,
        "synthetic": True,
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "reference_now": REFERENCE_NOW.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "files": files,
    }
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    return manifest
