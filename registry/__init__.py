"""``python -m registry``: register, promote (gated), roll back and list model versions.

The stage parses its config and calls the library, :mod:`nerkit.registry`; its names are
re-exported here for scripts written against ``registry``.
"""

from nerkit.registry import *  # noqa: F403
from nerkit.registry import __all__  # noqa: F401
