"""The JUnit XML record as pytest's ``junitxml`` plugin holds it.

The writer lives on ``config.stash`` (controller only); the record uses xunit1 (the
only family whose testcase properties are schema-valid); the run's testsuite
properties, the team's ``record_testsuite_property`` values and the linked tests'
final statuses are written into it at session end, every value cleaned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pytest_biothings_ready.record.linked import stamp_linked_testcases
from pytest_biothings_ready.redact import clean

if TYPE_CHECKING:
    import pytest

    from pytest_biothings_ready.record.results import Results
    from pytest_biothings_ready.session import ReadySession

__all__ = ["junit_writer", "prefer_xunit1", "write_suite_properties"]


def junit_writer(config: pytest.Config) -> Any:
    """pytest's LogXML for this run, or None without ``--junitxml`` (and on workers)."""
    from _pytest.junitxml import xml_key

    return config.stash.get(xml_key, None)


def prefer_xunit1(config: pytest.Config) -> None:
    """Testcase properties are schema-valid only in xunit1, so the record uses it."""
    xml = junit_writer(config)
    if xml is not None and xml.family == "xunit2":
        xml.family = "xunit1"


def write_suite_properties(config: pytest.Config, ready: ReadySession, results: Results) -> None:
    """The run's testsuite properties and the linked testcases' statuses, cleaned."""
    xml = junit_writer(config)
    if xml is None:
        return
    for name, value in ready.suite_properties():
        xml.add_global_property(name, clean(str(value), ready.redact))
    # record_testsuite_property() values from the team's tests, too
    xml.global_properties[:] = [
        (name, clean(str(value), ready.redact)) for name, value in xml.global_properties
    ]
    stamp_linked_testcases(xml, results)
