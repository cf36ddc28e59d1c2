"""Reads its package data."""

from pathlib import Path

HERE = Path(__file__).parent


def template() -> str:
    return (HERE / "templates" / "page.html").read_text()


def certificate() -> str:
    return (HERE / "ca.pem").read_text()
