"""A top-level helper that must not be packed into the wheel."""
