"""python -m nerkit.formats check FILE [--format ...] [--overlaps longest] [...]"""

from __future__ import annotations

import sys

from nerkit.formats.check import main

if __name__ == "__main__":
    sys.exit(main())
