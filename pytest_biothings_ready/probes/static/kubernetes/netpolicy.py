"""NetworkPolicies as the cluster applies them: a union per selected pod.

A pod selected by any policy of a type is isolated for that type; what it may
receive (or send) is the union of every selecting policy's rules, so one open rule
voids every deny.  A rule is open when it names no peer (``{}``) or a peer that is
everyone: ``ipBlock`` ``0.0.0.0/0`` or ``::/0``, or ``namespaceSelector: {}`` without a
``podSelector`` narrowing it.  An egress rule limited to ``ports`` is not open (DNS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pytest_biothings_ready.probes.static.common import dig
from pytest_biothings_ready.probes.static.manifests import Manifest, ManifestSet, Workload

__all__ = ["Isolation", "effective_policies", "is_default_deny", "policy_types"]

EVERYWHERE = frozenset({"0.0.0.0/0", "::/0"})


def policy_types(policy: Manifest) -> set[str]:
    declared = dig(policy.body, "spec", "policyTypes")
    if isinstance(declared, list):
        return {str(t) for t in declared}
    return {"Ingress"} | ({"Egress"} if dig(policy.body, "spec", "egress") else set())


def is_default_deny(policy: Manifest, kind: str = "Ingress") -> bool:
    """An empty ``podSelector``, ``kind`` in its types and no ``kind`` rules."""
    selector = dig(policy.body, "spec", "podSelector")
    return (
        isinstance(selector, Mapping)
        and not selector.get("matchLabels")
        and not selector.get("matchExpressions")
        and kind in policy_types(policy)
        and not dig(policy.body, "spec", kind.lower())
    )


@dataclass
class Isolation:
    """One workload's effective policy, per direction.

    Attributes:
        isolated: directions some selecting policy isolates (Ingress, Egress).
        rules: number of allow rules per direction, over all selecting policies.
        open: per direction, the policies with an open rule.
    """

    isolated: set[str] = field(default_factory=set)
    rules: dict[str, int] = field(default_factory=dict)
    open: dict[str, list[str]] = field(default_factory=dict)


def effective_policies(kube: ManifestSet, items: list[Workload]) -> dict[int, Isolation]:
    """The union of every policy selecting each workload, by ``id(workload)``."""
    result = {id(w): Isolation() for w in items}
    for policy in kube.of("NetworkPolicy"):
        selected = kube.selected(policy.namespace, dig(policy.body, "spec", "podSelector"))
        types = policy_types(policy)
        for item in selected:
            state = result.get(id(item))
            if state is not None:
                _apply(state, policy, types)
    return result


def _apply(state: Isolation, policy: Manifest, types: set[str]) -> None:
    for kind in ("Ingress", "Egress"):
        if kind not in types:
            continue
        state.isolated.add(kind)
        rules = dig(policy.body, "spec", kind.lower()) or []
        rules = rules if isinstance(rules, list) else []
        state.rules[kind] = state.rules.get(kind, 0) + len(rules)
        if any(_open(rule, kind) for rule in rules):
            state.open.setdefault(kind, []).append(f"{policy.ref} ({policy.at()})")


def _open(rule: Any, kind: str) -> bool:
    if not isinstance(rule, Mapping):
        return True
    peers = rule.get("from" if kind == "Ingress" else "to")
    if kind == "Egress" and rule.get("ports"):
        return False
    if not peers:
        return True
    peers = [p for p in peers if isinstance(p, Mapping)]
    return any(_open_peer(p) for p in peers) or _covers_everything(peers)


def _covers_everything(peers: list[Mapping[str, Any]]) -> bool:
    """Whether the rule's ``ipBlock`` CIDRs together cover every IPv4 address."""
    import ipaddress

    blocks = []
    for peer in peers:
        try:
            network = ipaddress.ip_network(str(dig(peer, "ipBlock", "cidr")), strict=False)
        except ValueError:
            continue
        if isinstance(network, ipaddress.IPv4Network):
            blocks.append(network)
    merged = list(ipaddress.collapse_addresses(blocks))
    return any(n.prefixlen == 0 for n in merged)


def _open_peer(peer: Mapping[str, Any]) -> bool:
    if str(dig(peer, "ipBlock", "cidr")).strip() in EVERYWHERE:
        return True
    namespaces, pods = peer.get("namespaceSelector"), peer.get("podSelector")
    return _empty(namespaces) and (pods is None or _empty(pods))


def _empty(selector: Any) -> bool:
    return (
        isinstance(selector, Mapping)
        and not selector.get("matchLabels")
        and not selector.get("matchExpressions")
    )
