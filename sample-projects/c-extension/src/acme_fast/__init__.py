"""Fast helpers, implemented in C."""

from acme_fast._speedups import hypot, scale

__all__ = ["hypot", "scale"]
