"""The course's synthetic sample data: names, loaders and the generator.

    from sociallearning.data import load, REFERENCE_NOW
    posts = load("posts")

Everything is synthetic: a fictional company (Northwind Larder) and fictional X accounts.
Run `python -m sociallearning.data list` to see the datasets, and
`python -m sociallearning.data generate` to (re)write them.
"""

from .load import clear_cache, data_path, datasets, load, load_records
from .schema import (
    CHAT_HASHTAG,
    DATASETS,
    DEFAULT_SEED,
    REFERENCE_NOW,
    REORG_DATE,
    SEED_LEADERS,
    DataError,
)

__all__ = [
    "CHAT_HASHTAG",
    "DATASETS",
    "DEFAULT_SEED",
    "REFERENCE_NOW",
    "REORG_DATE",
    "SEED_LEADERS",
    "DataError",
    "clear_cache",
    "data_path",
    "datasets",
    "load",
    "load_records",
]
