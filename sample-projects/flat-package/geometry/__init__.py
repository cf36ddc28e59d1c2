"""Shapes and a bundled data file."""

import json
from pathlib import Path


def unit_shapes():
    """Read the bundled package data."""
    return json.loads((Path(__file__).parent / "data" / "shapes.json").read_text())
