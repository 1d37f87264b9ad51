"""BuildKit heredocs (``RUN <<EOF`` ... ``EOF``) folded into their instruction.

dockerfile-parse reads a Dockerfile line by line and would take every line of a
heredoc body for an instruction of its own (``apk add ...`` -> unknown instruction
``APK``; a ``USER root`` inside a script -> a USER instruction).  Before parsing, each
body line is turned into a continuation line of the instruction that opened it, so
the parser sees one instruction and every later line keeps its number.
"""

from __future__ import annotations

import re

__all__ = ["fold_heredocs"]

# ``<<EOF``, ``<<-EOF``, ``<<"EOF"``, ``<<'EOF'`` (the BuildKit heredoc forms).
_MARKER = re.compile(r"<<(-?)([\"']?)([A-Za-z_][\w.-]*)\2")
# Only these instructions take heredocs.
_OPENS = re.compile(r"\s*(RUN|COPY|ADD)\s", re.IGNORECASE)


def fold_heredocs(text: str) -> str:
    """``text`` with every heredoc body joined to its instruction by continuations."""
    lines = text.splitlines()
    out: list[str] = []
    index, capable = 0, False
    while index < len(lines):
        line = lines[index]
        index += 1
        capable = capable or bool(_OPENS.match(line))
        markers = _MARKER.findall(line) if capable else []
        capable = capable and line.rstrip().endswith("\\")
        if not markers:
            out.append(line)
            continue
        out.append(f"{line} \\")
        for dash, _, word in markers:
            index = _body(lines, index, word, bool(dash), out)
        out[-1] = out[-1].removesuffix(" \\")
    return "\n".join(out) + "\n"


def _body(lines: list[str], index: int, word: str, strip_tabs: bool, out: list[str]) -> int:
    """Append the body up to the line ``word`` as continuations; the next index."""
    while index < len(lines):
        line = lines[index]
        index += 1
        out.append(f"{line} \\")
        if (line.lstrip("\t") if strip_tabs else line).strip() == word:
            break
    return index
