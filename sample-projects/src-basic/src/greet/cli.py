"""The greet console script."""

import sys

from greet import hello


def main() -> int:
    name = sys.argv[1] if len(sys.argv) > 1 else "world"
    print(hello(name))
    return 0
