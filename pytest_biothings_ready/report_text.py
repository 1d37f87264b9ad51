"""Every text a pytest report carries, redacted and neutralised before it leaves.

A linked test's report (longrepr, the skip tuple, ``wasxfail``, captured sections,
user properties) and a collection report reach the terminal and the JUnit XML only
through :func:`clean_report` / :func:`clean_longrepr`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pytest_biothings_ready.redact import Redactor, clean

if TYPE_CHECKING:
    import pytest

__all__ = ["clean_collect_report", "clean_longrepr", "clean_report"]


def clean_report(report: pytest.TestReport, redact: Redactor) -> None:
    """Redact and neutralise every text a report carries to the XML and the terminal.

    A skip's longrepr stays a (path, line, reason) tuple: pytest's ``-rs`` summary
    and junitxml need that shape (a string there was an INTERNALERROR).
    """
    clean_longrepr(report, redact)
    if isinstance(getattr(report, "wasxfail", None), str):
        report.wasxfail = clean(report.wasxfail, redact)
    report.sections = [(title, clean(content, redact)) for title, content in report.sections]
    report.user_properties = [
        (name, _clean_value(value, redact)) for name, value in report.user_properties
    ]


def clean_collect_report(report: pytest.CollectReport, redact: Redactor) -> None:
    """A module-level skip or a collection error: its longrepr and sections."""
    clean_longrepr(report, redact)
    report.sections = [(title, clean(text, redact)) for title, text in report.sections]


def clean_longrepr(report: pytest.TestReport | pytest.CollectReport, redact: Redactor) -> None:
    """The longrepr cleaned in place; a skip tuple keeps its shape."""
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        report.longrepr = (longrepr[0], longrepr[1], clean(str(longrepr[2]), redact))
    elif longrepr is not None:
        text = str(longrepr)
        cleaned = clean(text, redact)
        if cleaned != text:
            report.longrepr = cleaned


def _clean_value(value: object, redact: Redactor) -> object:
    text = str(value)
    cleaned = clean(text, redact)
    return value if cleaned == text else cleaned
