"""The X API v2 through tweepy: live with a bearer token, offline on the sample data without.

    from sociallearning import xapi
    client = xapi.client()            # offline unless X_BEARER_TOKEN is set
    client.get_user(username="ava_learnwell")

The offline client is a real tweepy.Client whose requests are answered from an
OfflineWorld (by default the course's synthetic sample data); nothing goes to the network.
"""

from sociallearning.xapi.offline import OfflineAdapter, OfflineClient, client, is_offline
from sociallearning.xapi.ratelimit import RATE_LIMITS, SimulatedClock
from sociallearning.xapi.world import OfflineWorld, sample_world

__all__ = [
    "CHAT_HASHTAG",
    "RATE_LIMITS",
    "SEED_LEADERS",
    "OfflineAdapter",
    "OfflineClient",
    "OfflineWorld",
    "SimulatedClock",
    "client",
    "is_offline",
    "sample_world",
]


def __getattr__(name: str):
    # The sample data defines these once; read them on first use so that importing the
    # API does not need the data package.
    if name in ("SEED_LEADERS", "CHAT_HASHTAG"):
        from sociallearning import data

        return getattr(data, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
