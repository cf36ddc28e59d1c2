"""Alone in src/."""


def solo() -> str:
    return "solo"
