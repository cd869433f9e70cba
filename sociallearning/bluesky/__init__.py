"""Bluesky through the AT Protocol SDK: offline on the sample data, or live without a login.

    from sociallearning import bluesky
    api = bluesky.client()                                   # offline
    ava = api.app.bsky.actor.get_profile({"actor": "ava.learnwell.net"})
    page = api.app.bsky.graph.get_follows({"actor": ava.did, "limit": 100})
    live = bluesky.client(base_url="https://public.api.bsky.app")   # the only change

The offline client is a real `atproto.Client` whose httpx transport answers from a
BlueskyWorld (by default the course's synthetic sample data); nothing goes to the network.
"""

from sociallearning.bluesky.offline import (
    APPVIEW_HOSTS,
    PUBLIC_APPVIEW,
    OfflineAppViewTransport,
    OfflineBlueskyClient,
    client,
    is_offline,
)
from sociallearning.bluesky.world import BlueskyWorld, sample_world

__all__ = [
    "APPVIEW_HOSTS",
    "PUBLIC_APPVIEW",
    "BlueskyWorld",
    "OfflineAppViewTransport",
    "OfflineBlueskyClient",
    "client",
    "is_offline",
    "sample_world",
]
