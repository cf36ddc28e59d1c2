"""Gadgets, in the shared acme namespace."""


def gadget() -> str:
    return "gadget"
