"""Settings of the cost family: what a cost metric is, which workloads are non-critical."""

from __future__ import annotations

from pytest_biothings_ready.config.schema import Key, register

__all__: list[str] = []

FAMILY = "cost"

register(
    Key(
        "cost.metric_words",
        "list",
        "A metric whose name contains one of these (any case) is a cost metric.",
        ["cost", "spend", "billing", "budget", "price", "dollars", "_usd", "_eur"],
        values="str",
        family=FAMILY,
    ),
    Key(
        "cost.noncritical_labels",
        "map",
        "Labels marking non-critical workloads (any one pair matches).",
        {"criticality": "non-critical"},
        values="str",
        family=FAMILY,
    ),
    Key(
        "cost.spot_labels",
        "list",
        "Node labels (key=value) that mean spot/preemptible capacity (selector or affinity).",
        [
            "cloud.google.com/gke-spot=true",
            "cloud.google.com/gke-preemptible=true",
            "eks.amazonaws.com/capacityType=SPOT",
            "karpenter.sh/capacity-type=spot",
            "kubernetes.azure.com/scalesetpriority=spot",
            "node.kubernetes.io/lifecycle=spot",
        ],
        values="str",
        family=FAMILY,
    ),
)
