"""Metrics endpoints that answer 200 without metrics, or hide them behind a sign-in."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.model import Status
from tests.observability.test_metrics import EXPOSED, _static
from tests.support.evaluate import judge
from tests.support.servers import serve_asgi

LOGIN = '<html><form method="post"><input name="u"><input type="password" name="p"></form></html>'
HTML = "<!DOCTYPE html><html><body><h1>Metrics</h1><p>See Grafana.</p></body></html>"
NO_EOF = "# TYPE orders counter\norders_total 3\n"


def _judge(body: str, media: str, status: int = 200) -> Status:
    with serve_asgi(_static(body, media, status=status)) as url:
        return judge(EXPOSED, {"metrics_url": url + "/metrics", "timeout_s": 2}).status


def test_sign_in_page_answered_with_200_is_an_error_not_a_finding() -> None:
    assert _judge(LOGIN, "text/html") is Status.ERROR


@pytest.mark.parametrize("status", [401, 407])
def test_authentication_required_is_an_error(status: int) -> None:
    assert _judge("Unauthorized", "text/plain", status) is Status.ERROR


def test_html_page_answered_with_200_is_not_metrics() -> None:
    assert _judge(HTML, "text/html") is Status.FAILED


def test_openmetrics_without_eof_is_not_valid_exposition() -> None:
    assert _judge(NO_EOF, "application/openmetrics-text; version=1.0.0") is Status.FAILED


def test_same_body_as_text_format_is_valid() -> None:
    assert _judge(NO_EOF, "text/plain; version=0.0.4") is Status.PASSED


CUSTOM = "Custom business metrics implemented"
STOCK_AND_BUILD_INFO = """# TYPE process_cpu_seconds_total counter
process_cpu_seconds_total 1.5
# TYPE myapp_build_info gauge
myapp_build_info{version="1.2.3",commit="abc"} 1
"""


def test_stock_families_plus_a_build_info_gauge_are_not_business_metrics() -> None:
    with serve_asgi(_static(STOCK_AND_BUILD_INFO, "text/plain; version=0.0.4")) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence


def test_openmetrics_info_family_is_not_a_business_metric() -> None:
    body = '# TYPE myapp info\nmyapp_info{version="1"} 1\n# EOF\n'
    with serve_asgi(_static(body, "application/openmetrics-text; version=1.0.0")) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.FAILED, verdict.evidence


def test_a_business_counter_next_to_build_info_passes() -> None:
    body = STOCK_AND_BUILD_INFO + "# TYPE myapp_orders_total counter\nmyapp_orders_total 7\n"
    with serve_asgi(_static(body, "text/plain; version=0.0.4")) as url:
        verdict = judge(CUSTOM, {"metrics_url": url + "/metrics", "timeout_s": 2})
    assert verdict.status is Status.PASSED, verdict.evidence
