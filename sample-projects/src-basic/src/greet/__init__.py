"""Say hello."""

__version__ = "1.2.0"


def hello(name: str) -> str:
    """Return a greeting for name."""
    return f"Hello, {name}!"
