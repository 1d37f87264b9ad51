"""Judge the CORS configurations found on the deploy path against ``cors_allowed_origins``."""

from __future__ import annotations

import json
import re
from typing import Any

from pytest_biothings_ready.model import Verdict
from pytest_biothings_ready.probes.repository.exposure import Api
from pytest_biothings_ready.probes.repository.outcome import NOT_OBSERVED, undecided
from pytest_biothings_ready.probes.static.common import listing

__all__ = ["judge_cors", "resolve"]

_GETENV = re.compile(
    r"(?:getenv|environ\.get|environ\[)\(?\s*['\"](\w+)['\"]\s*(?:\]|,\s*['\"]([^'\"]*)['\"])?"
)
_ATTR = re.compile(r"^<\w+\.(\w+)")
_LOCAL = re.compile(r"^(https?://)?(localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(:\d+)?$")


def resolve(origins: Any, api: Api) -> tuple[list[str] | None, str]:
    """Literal origins, or an expression resolved through the compose environment."""
    if isinstance(origins, str) and not origins.startswith("<"):
        return [origins], ""
    if isinstance(origins, list | tuple):
        return [str(o) for o in origins], ""
    text = str(origins)
    env = api.service.environment
    match = _GETENV.search(text)
    if match:
        name, default = match.group(1), match.group(2)
        if name in env and "${" not in env[name]:
            return _split(env[name]), f" ({name} from {api.service.stack} environment)"
        if default is not None:
            return _split(default), f" ({name} unset in {api.service.stack}; the code's default)"
        return None, f"{text} ({name} not set in the stack)"
    attr = _ATTR.match(text)
    if attr and attr.group(1).lower() in api.code.fields:
        name = attr.group(1)
        if name.upper() in env and "${" not in env[name.upper()]:
            return _split(env[name.upper()]), f" ({name.upper()} from {api.service.stack})"
        value = api.code.fields[name.lower()]
        if isinstance(value, list | str) and not str(value).startswith("<"):
            return _split(value) if isinstance(value, str) else [str(v) for v in value], (
                f" (settings default {name})"
            )
    return None, text


def _split(raw: str | list[Any]) -> list[str]:
    if isinstance(raw, list):
        return [str(v) for v in raw]
    raw = raw.strip()
    if raw.startswith("["):
        try:
            return [str(v) for v in json.loads(raw)]
        except ValueError:
            pass
    return [o.strip() for o in raw.split(",") if o.strip()]


def _problems(where: str, origins: list[str], credentials: bool, wanted: list[str]) -> list[str]:
    clean = [o.rstrip("/") for o in origins]
    if "*" in clean:
        risk = " with credentials" if credentials else ""
        return [f"{where} allows any origin (*){risk}"]
    local = [o for o in clean if _LOCAL.match(o) and o not in wanted]
    if local and len(local) == len(clean):
        return [
            f"{where} allows only localhost origins ({', '.join(local)}) in the deployed config"
        ]
    found = [f"{where} allows localhost origin(s) {', '.join(local)}"] if local else []
    plain = [o for o in clean if o.startswith("http://") and o not in local and o not in wanted]
    found += [f"{where} allows plain-HTTP origin(s) {', '.join(plain)}"] if plain else []
    if wanted:
        extra = [o for o in clean if o not in wanted and o not in local]
        missing = [o for o in wanted if o not in clean]
        found += [f"{where} allows {', '.join(extra)} beyond cors_allowed_origins"] if extra else []
        found += (
            [f"{where} does not allow {', '.join(missing)} (cors_allowed_origins)"]
            if missing
            else []
        )
    return found


def judge_cors(
    found: list[Api], wanted: list[str], tail: str, edges: list[tuple[str, str, Any, bool]]
) -> Verdict:
    """Judge every CORS configuration of ``found`` and the Kubernetes ``edges``."""
    problems: list[str] = []
    unsure: list[str] = []
    good: list[str] = []
    for where, what, origins, credentials in edges:
        bad = _problems(f"{where} {what}", list(origins), credentials, wanted)
        problems += bad
        good += [] if bad else [f"{where} {what} allows {', '.join(origins)}"]
    for api in found:
        configs = [(f.where, f.what, f.detail) for f in api.code.cors]
        configs += [(r.location.where, "nginx add_header", (r.location.cors_origin, False))
                    for r in api.routes if r.location.cors_origin]  # fmt: skip
        for where, what, (origins, credentials) in configs:
            if isinstance(origins, str) and origins.startswith("$"):
                problems.append(f"{where} {what} reflects {origins}: every origin is allowed")
                continue
            values, note = resolve(origins, api)
            if values is None:
                unsure.append(f"{where} {what} origins come from {note}")
                continue
            bad = _problems(f"{where} {what}{note}", values, credentials, wanted)
            problems += bad
            if not bad:
                good.append(f"{where} {what} allows {', '.join(values)}{note}")
        if not configs and wanted and not edges:
            problems.append(
                f"{api.name} sets no CORS headers, but cors_allowed_origins lists "
                + ", ".join(wanted)
            )
    problems, unsure, good = (list(dict.fromkeys(x)) for x in (problems, unsure, good))
    if problems:
        return Verdict.failed(
            f"CORS not restricted to production origins: {listing(problems)}.{tail}"
        )
    if unsure or not good:
        why = listing(unsure) if unsure else "nothing deployed configures CORS (same-origin only?)"
        return undecided(f"CORS not decidable from the repository: {why}.{tail}")
    return Verdict.passed(f"{NOT_OBSERVED}: {listing(good)}.{tail}")
