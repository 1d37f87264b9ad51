"""JavaScript/TypeScript application facts, read as text with comments removed."""

from __future__ import annotations

import re

from pytest_biothings_ready.probes.repository.finding import Finding

__all__ = [
    "audit",
    "caching",
    "cors",
    "imports",
    "limiters",
    "logging",
    "metric_names",
    "metrics",
    "routes",
    "tracing",
]

Files = list[tuple[str, str]]
_ROUTE = re.compile(
    r"\b(?:app|router|server|api|fastify|routes)\.(?:get|post|put|delete|patch|all)"
    r"\(\s*['\"`](/[^'\"`]*)['\"`]"
)
_CORS = re.compile(r"\bcors\(\s*(\{.*?\})?\s*\)", re.S)
_ORIGIN = re.compile(r"origin\s*:\s*(\[[^\]]*\]|['\"`][^'\"`]*['\"`]|true|\w[\w.]*)", re.S)
_STRING = re.compile(r"['\"`]([^'\"`]+)['\"`]")


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _find(files: Files, pattern: str, what: str) -> list[Finding]:
    found = []
    regex = re.compile(pattern)
    for shown, text in files:
        match = regex.search(text)
        if match:
            found.append(Finding(f"{shown}:{_line(text, match.start())}", what))
    return found


_IMPORT = re.compile(r"""(?:require\(\s*|from\s+|import\s+)['"]([^'"]+)['"]""")


def imports(files: Files) -> set[str]:
    """npm packages and modules the files import or require."""
    return {m.group(1) for _, text in files for m in _IMPORT.finditer(text)}


_SERVER = re.compile(r"""['"](?:express|fastify|koa|@koa/router|hono|@nestjs/[\w-]+|restify)['"]""")


def routes(files: Files) -> set[str]:
    """Routes a server framework defines (a browser client's ``axios.get('/api')`` is not one)."""
    return {m.group(1) for _, text in files if _SERVER.search(text) for m in _ROUTE.finditer(text)}


def limiters(files: Files) -> list[Finding]:
    """express-rate-limit / rate-limiter-flexible / @nestjs/throttler applied with ``use``."""
    found = []
    for shown, text in files:
        if not re.search(r"express-rate-limit|rate-limiter-flexible|@nestjs/throttler", text):
            continue
        names = re.findall(r"(?:const|let|var)\s+(\w+)\s*=\s*(?:rateLimit|RateLimit)\(", text)
        uses = [m for m in re.finditer(r"\.use\(([^;]*)\)", text, re.S)
                if any(n in m.group(1) for n in names) or "rateLimit(" in m.group(1)]  # fmt: skip
        guard = re.search(r"ThrottlerGuard", text)
        for m in uses:
            found.append(Finding(f"{shown}:{_line(text, m.start())}", "express-rate-limit app.use"))
        if guard:
            found.append(
                Finding(f"{shown}:{_line(text, guard.start())}", "@nestjs/throttler guard")
            )
    return found


def cors(files: Files) -> list[Finding]:
    """Express ``cors()``: no options allows every origin."""
    found = []
    for shown, text in files:
        if not re.search(r"require\(['\"]cors['\"]\)|from ['\"]cors['\"]", text):
            continue
        for m in _CORS.finditer(text):
            options = m.group(1) or ""
            origin = _ORIGIN.search(options)
            credentials = bool(re.search(r"credentials\s*:\s*true", options))
            if not origin:
                detail: object = "*"
            elif origin.group(1).startswith(("[", "'", '"', "`")):
                detail = _STRING.findall(origin.group(1))
                detail = "*" if detail == ["*"] else detail
            else:
                detail = "*" if origin.group(1) == "true" else f"<{origin.group(1)}>"
            found.append(
                Finding(
                    f"{shown}:{_line(text, m.start())}", "Express cors()", (detail, credentials)
                )
            )
    return found


def metrics(files: Files) -> list[Finding]:
    found = []
    for shown, text in files:
        if "prom-client" in text or "express-prom-bundle" in text:
            m = re.search(r"['\"`](/metrics[^'\"`]*)['\"`]", text)
            if m:
                found.append(
                    Finding(f"{shown}:{_line(text, m.start())}", "prom-client route", m.group(1))
                )
            elif "express-prom-bundle" in text:
                found.append(Finding(shown, "express-prom-bundle", "/metrics"))
    return found


def logging(files: Files) -> list[Finding]:
    return _find(
        files, r"\bpino\(|winston\.format\.json\(|format\.json\(\)", "JSON logger (pino/winston)"
    )


def audit(files: Files) -> list[Finding]:
    return _find(
        files, r"\b\w*[aA]udit\w*\.(?:info|log|write)\(|\baudit[A-Z]\w*\(", "audit log call"
    )


def tracing(files: Files) -> list[Finding]:
    found = _find(files, r"new NodeSDK\(|NodeTracerProvider\(", "sdk")
    found += _find(files, r"getNodeAutoInstrumentations\(|Instrumentation\(", "instrumentation")
    for shown, text in files:
        m = re.search(r"new OTLPTraceExporter\(\s*\{[^}]*url\s*:\s*['\"`]([^'\"`]+)", text)
        if m:
            found.append(Finding(f"{shown}:{_line(text, m.start())}", "exporter", m.group(1)))
        elif "OTLPTraceExporter(" in text:
            found.append(Finding(shown, "exporter", ""))
    return found


def caching(files: Files) -> list[Finding]:
    """A Cache-Control header set with a value that caches (max-age > 0, s-maxage, public)."""
    header = (
        r"['\"`][Cc]ache-[Cc]ontrol['\"`]\s*,\s*['\"`][^'\"`]*"
        r"(?:max-age=[1-9]|s-maxage=[1-9]|public)"
    )
    return _find(files, header, "sets Cache-Control")


_PROM_METRIC = re.compile(
    r"new\s+(?:\w+\.)?(Counter|Gauge|Histogram|Summary)\(\s*\{[^}]*?name\s*:\s*['\"`]([\w:]+)"
)


def metric_names(files: Files) -> set[str]:
    """Series prom-client metrics define."""
    found: set[str] = set()
    for _, text in files:
        for kind, name in _PROM_METRIC.findall(text):
            found.add(name)
            if kind in ("Histogram", "Summary"):
                found |= {name + "_bucket", name + "_sum", name + "_count"}
    return found
