"""Mastodon through Mastodon.py: offline on the sample fediverse, or live on a real server.

    from sociallearning import fediverse
    api = fediverse.client()                        # offline, on mastodon.example
    ava = api.account_lookup("ava@learning.example")
    follows = api.fetch_remaining(api.account_following(ava, limit=80))
    live = fediverse.client("https://mastodon.social")   # the only change for live use

The offline client is a real `mastodon.Mastodon` whose requests session answers from a
FediverseWorld (by default the course's synthetic sample data on four fictional `.example`
servers); nothing goes to the network. Each server has its own view: look an account up on
its home server (`on_instance(api, "learning.example")`) to see all of its follows.
"""

from sociallearning.fediverse.offline import (
    DEFAULT_INSTANCE,
    SAMPLE_INSTANCES,
    OfflineFediverseAdapter,
    OfflineMastodon,
    client,
    is_offline,
    on_instance,
)
from sociallearning.fediverse.world import FediverseWorld, sample_world

__all__ = [
    "DEFAULT_INSTANCE",
    "SAMPLE_INSTANCES",
    "FediverseWorld",
    "OfflineFediverseAdapter",
    "OfflineMastodon",
    "client",
    "is_offline",
    "on_instance",
    "sample_world",
]
