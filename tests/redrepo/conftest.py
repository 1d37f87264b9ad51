"""The regression repositories are data, not tests."""

collect_ignore = ["repos"]
