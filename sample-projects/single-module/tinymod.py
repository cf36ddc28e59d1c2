"""One module, one function."""


def double(x: int) -> int:
    return 2 * x


def main() -> int:
    print("tinymod", double(21))
    return 0
