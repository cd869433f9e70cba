"""`make bench`: run every benchmarks/bench_*.py in turn."""

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    for script in sorted(Path(__file__).parent.glob("bench_*.py")):
        print(f"== {script.stem} ==", flush=True)
        runpy.run_path(str(script), run_name="__main__")
    sys.exit(0)
