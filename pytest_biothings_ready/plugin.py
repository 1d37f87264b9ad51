"""pytest entry point (stub until the core lands)."""
