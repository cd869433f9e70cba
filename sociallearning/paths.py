"""Where the course's folders are, from any working directory.

Learners run notebooks from course/, my-work/ or elsewhere, so nothing may rely on
the current directory. SOCIALLEARNING_HOME points at another checkout when needed.
"""

import os
from pathlib import Path


def course_home() -> Path:
    """The repository root: SOCIALLEARNING_HOME if set, else where this package sits."""
    configured = os.environ.get("SOCIALLEARNING_HOME")
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(__file__).resolve().parents[1]
