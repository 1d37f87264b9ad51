"""The inline style and script of the HTML report (kept apart from the markup).

Badge colours are a table, so a test can compute every badge's contrast (WCAG AA
asks for 4.5:1 for normal text; all of these reach at least 5.4:1).
"""

from __future__ import annotations

__all__ = ["BADGES", "CSS", "JS"]

# status -> (text colour, background colour)
BADGES: dict[str, tuple[str, str]] = {
    "passed": ("#ffffff", "#1b5e20"),
    "failed": ("#ffffff", "#b71c1c"),
    "error": ("#ffffff", "#6a1b9a"),
    "waived": ("#ffffff", "#9a4a00"),
    "not_applicable": ("#ffffff", "#546e7a"),
    "unverified": ("#3e2700", "#ffd54f"),
    "unknown": ("#ffffff", "#455a64"),
}

_BADGE_CSS = "".join(
    f".b-{status}{{color:{fg};background:{bg}}}" for status, (fg, bg) in BADGES.items()
)

CSS = (
    """*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;padding:1.2em 2em;
color:#1a1a1a;background:#fff}
h1{font-size:1.5em;margin:0 0 .6em}h2{font-size:1.2em;margin:1.4em 0 .4em}
.banner{border-radius:6px;padding:.8em 1.2em;margin-bottom:1em;color:#fff}
.banner.ready{background:#1b5e20}.banner.not-ready{background:#b71c1c}
.banner .headline{font-size:2em;font-weight:700;letter-spacing:.04em}
.banner .verdict-line{font-size:1.1em}.banner code{color:#fff;background:rgba(0,0,0,.25)}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1.5em;margin:0}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%}table.counts{width:auto;min-width:40em}
th,td{text-align:left;vertical-align:top;padding:.35em .6em;border-bottom:1px solid #d0d7de}
th{background:#f3f5f7;font-weight:600;white-space:nowrap}
table.counts td:not(:first-child),table.counts th:not(:first-child){text-align:right}
td.line{min-width:18em;width:28%}td.ev{width:55%;overflow-wrap:break-word}
td.method,td.hist{white-space:nowrap}
code{font:13px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f4;
padding:0 .25em;border-radius:3px;color:#24292f}
code.id{background:none;padding:0;color:#4a5560;font-size:12px}
.badge{display:inline-block;border-radius:3px;padding:.05em .45em;font-size:13px;
font-weight:600;white-space:nowrap}
.bar{display:flex;height:10px;border-radius:3px;overflow:hidden;margin:.3em 0 .6em}
.filters{position:sticky;top:0;background:#fff;padding:.5em 0;border-bottom:1px solid #d0d7de;
z-index:1}
.filters label{margin-right:1.2em;white-space:nowrap;cursor:pointer}
.move{font-size:12px;font-weight:600;color:#4a5560}
a{color:#0b4f9c}
tr.hidden{display:none}section.area.empty{display:none}
@media print{
body{padding:0;font-size:10.5pt}.filters{display:none}
tr.hidden,tr.item{display:table-row!important}section.area.empty{display:block!important}
section.area{break-before:page}thead{display:table-header-group}tr{break-inside:avoid}
.badge,.banner,.bar span{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:underline}
}
"""
    + _BADGE_CSS
)

JS = """(function(){
var boxes=document.querySelectorAll('nav.filters input[data-status]');
function apply(){
 var hidden={};boxes.forEach(function(b){hidden[b.dataset.status]=!b.checked;});
 document.querySelectorAll('tr.item').forEach(function(row){
  row.classList.toggle('hidden',!!hidden[row.dataset.status]);});
 document.querySelectorAll('section.area').forEach(function(sec){
  sec.classList.toggle('empty',!sec.querySelector('tr.item:not(.hidden)'));});
}
boxes.forEach(function(b){b.addEventListener('change',apply);});
apply();
})();"""
