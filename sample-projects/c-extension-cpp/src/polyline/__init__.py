"""Polyline lengths, computed in C++ (with a compensated sum in C)."""

from ._core import length

__all__ = ["length"]
