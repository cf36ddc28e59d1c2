"""Fibonacci numbers and their statistics, in Cython."""

from ._fib import fib
from ._stats import mean_of_first

__all__ = ["fib", "mean_of_first"]
