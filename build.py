"""Build the sample site in this repository: `python build.py` (or `python build.py serve`).

Any further arguments go to the command, e.g. `python build.py --strict`.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "src"))

from briefsite.cli import run  # noqa: E402

if __name__ == "__main__":
    args = sys.argv[1:]
    command = args.pop(0) if args and args[0] in ("build", "serve") else "build"
    sys.argv[1:] = [command, "--site", str(ROOT), *args]
    run()
