"""Widgets, in the shared acme namespace."""


def widget() -> str:
    return "widget"
