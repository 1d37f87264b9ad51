"""The one PromQL metric-name extractor, table-driven."""

from __future__ import annotations

import pytest

from pytest_biothings_ready.evidence.promql import metric_names, name_patterns

CASES = [
    ("sum(foo)", {"foo"}),
    ('foo{job="api"}', {"foo"}),
    ("rate(http_requests_total[5m])", {"http_requests_total"}),
    ("job:errors:ratio5m > 0.05", {"job:errors:ratio5m"}),
    ("sum by (job, instance) (rate(foo[5m]))", {"foo"}),
    ("sum(rate(foo[5m])) by (job)", {"foo"}),
    ("a / on(job) group_left(team) b", {"a", "b"}),
    ("a / ignoring(code) b", {"a", "b"}),
    ("foo offset 5m", {"foo"}),
    ("foo[1h:5m] offset 1d", {"foo"}),
    ("up == 0 and bool 1", {"up"}),
    ("a unless b or c", {"a", "b", "c"}),
    ("a atan2 b", {"a", "b"}),
    ('label_replace(foo, "dst", "$1", "src", "(.*)")', {"foo"}),
    ('count_values("version", build_info)', {"build_info"}),
    ('{__name__=~"http_.*"}', set()),
    ('{__name__="foo", job="x"}', {"foo"}),
    ("vector(0) > 1", set()),
    ("time() - process_start_time_seconds", {"process_start_time_seconds"}),
    ("foo > 1e3 and foo < Inf and bar != NaN", {"foo", "bar"}),
    ("foo # errors in bar\n", {"foo"}),
    ('foo{path="#not a comment"} > 0', {"foo"}),
    ('sum(rate(foo{job="$job"}[$__rate_interval]))', {"foo"}),
    ("histogram_quantile(0.99, sum by (le) (rate(dur_bucket[5m])))", {"dur_bucket"}),
    ("absent(foo)", {"foo"}),
    ("foo @ start()", {"foo"}),
    ("topk(5, foo)", {"foo"}),
]


@pytest.mark.parametrize(("expr", "names"), CASES)
def test_metric_names_reads_every_selected_name_and_nothing_else(
    expr: str, names: set[str]
) -> None:
    assert metric_names(expr) == names


def test_name_regex_matchers_are_patterns_not_names() -> None:
    assert name_patterns('sum({__name__=~"http_.*", job="x"})') == {"http_.*"}
    assert name_patterns('# {__name__=~"x"}\nfoo') == set()
