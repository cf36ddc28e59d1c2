"""A stand-in GUI entry point."""


def run() -> int:
    print("geometry gui")
    return 0
