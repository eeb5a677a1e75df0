"""The page's stylesheet, inlined so the HTML file stands alone."""

CSS = """
:root { --ink:#1c2230; --muted:#6b7385; --line:#e3e6ec; --bg:#f5f6f8;
  --ok:#2f9e55; --ok-bg:#e7f6ec; --fail:#d64545; --fail-bg:#fdecec; --caught:#e8590c;
  --caught-bg:#fff1e6; --run:#3b7ddd; --run-bg:#e7f0fd; --amber:#f59f00; --idle:#b8bfca; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font:14px/1.45 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
main { max-width:1500px; margin:0 auto; padding:24px 28px 60px; }
section.execution { background:#fff; border:1px solid var(--line); border-radius:14px;
  padding:22px 26px; margin-bottom:28px; box-shadow:0 1px 2px rgba(20,30,50,.05); }
h1, h2 { margin:0; font-weight:650; letter-spacing:-.01em; }
h1 { font-size:24px; } h2 { font-size:20px; }
h2.children-title { margin:36px 0 14px; color:var(--muted); font-size:15px;
  text-transform:uppercase; letter-spacing:.08em; }
.arn { margin:4px 0 14px; color:var(--muted); font:12px ui-monospace, "DejaVu Sans Mono", monospace;
  word-break:break-all; }
dl.facts { display:flex; flex-wrap:wrap; gap:8px 28px; margin:0 0 16px; }
dl.facts div { min-width:110px; } dt { color:var(--muted); font-size:11px; text-transform:uppercase;
  letter-spacing:.06em; } dd { margin:2px 0 0; font-weight:600; }
.pill { display:inline-block; white-space:nowrap; padding:1px 10px; border-radius:999px; font-size:12px;
  font-weight:600; vertical-align:middle; background:#eceef2; color:var(--muted); }
h1 .pill, h2 .pill { font-size:13px; padding:3px 12px; margin-left:8px; }
.status-succeeded { background:var(--ok-bg); color:var(--ok); }
.status-failed, .status-timed_out, .status-aborted { background:var(--fail-bg); color:var(--fail); }
.status-caught { background:var(--caught-bg); color:var(--caught); }
.status-running { background:var(--run-bg); color:var(--run); }
.callout { border-left:4px solid var(--fail); background:var(--fail-bg); border-radius:8px;
  padding:10px 14px; margin:0 0 16px; }
.callout strong { color:var(--fail); }
pre { margin:6px 0 0; white-space:pre-wrap; word-break:break-word;
  font:12px/1.5 ui-monospace, "DejaVu Sans Mono", monospace; }
.graph-frame { overflow-x:auto; border:1px solid var(--line); border-radius:10px; padding:10px;
  background:linear-gradient(#fbfcfd, #fbfcfd) padding-box,
  radial-gradient(circle, #e6e9ee 1px, transparent 1px) 0 0 / 18px 18px; background-color:#fbfcfd; }
svg.graph { display:block; margin:0 auto; font-family:system-ui, "DejaVu Sans", sans-serif; }
.edge path { fill:none; stroke:var(--idle); stroke-width:1.3; }
.edge-taken path { stroke:#1f2937; stroke-width:2.6; }
.edge-catch path { stroke-dasharray:6 4; }
.edge-catch.edge-taken path { stroke:var(--caught); }
.edge .count { fill:#1f2937; } .edge .count-catch { fill:var(--caught); }
.edge .count-text { fill:#fff; font-size:11px; font-weight:700; text-anchor:middle; }
.edge .rule { fill:var(--muted); font-size:10.5px; paint-order:stroke; stroke:#fbfcfd;
  stroke-width:4px; stroke-linejoin:round; }
.state .box { fill:#fafbfc; stroke:#cfd4dc; stroke-width:1.2; stroke-dasharray:4 3; }
.state .branch { fill:rgba(255,255,255,.7); stroke:#dfe3e9; stroke-dasharray:3 3; }
.state text { fill:var(--ink); }
.state .name { font-size:13.5px; font-weight:650; }
.state .kind { font-size:11px; fill:var(--muted); }
.state .timing { font-size:11.5px; font-weight:600; }
.state.not-visited text { fill:#9aa2b1; } .state.not-visited .timing { font-style:italic; font-weight:400; }
.state.succeeded > .box { fill:var(--ok-bg); stroke:var(--ok); stroke-width:2; stroke-dasharray:none; }
.state.caught > .box { fill:var(--caught-bg); stroke:var(--caught); stroke-width:2; stroke-dasharray:none; }
.state.failed > .box { fill:var(--fail-bg); stroke:var(--fail); stroke-width:2.4; stroke-dasharray:none; }
.state.running > .box { fill:var(--run-bg); stroke:var(--run); stroke-width:2; stroke-dasharray:none; }
.state.has-retries > .box { stroke:var(--amber); stroke-width:2.6; }
.state.succeeded .timing { fill:#1f6f3c; } .state.failed .timing { fill:#a12f2f; }
.state.caught .timing { fill:#a6440b; }
.badge rect { stroke:#fff; stroke-width:1.5; } .badge text { fill:#fff; font-size:11px;
  font-weight:700; text-anchor:middle; }
.badge-retry rect { fill:var(--amber); } .badge-fail rect { fill:var(--fail); }
.badge-caught rect { fill:var(--caught); }
.marker circle { fill:#1f2937; } .marker text { fill:#fff; font-size:8.5px; font-weight:700;
  text-anchor:middle; } .marker.end circle { fill:#fff; stroke:#1f2937; stroke-width:2; }
.marker.end circle.inner { fill:#1f2937; stroke:none; }
ul.legend { display:flex; flex-wrap:wrap; gap:6px 18px; list-style:none; padding:0;
  margin:10px 0 18px; color:var(--muted); font-size:12px; }
ul.legend li { display:flex; align-items:center; gap:6px; }
.swatch { width:16px; height:12px; border-radius:3px; border:2px solid; display:inline-block; }
.swatch.succeeded { background:var(--ok-bg); border-color:var(--ok); }
.swatch.caught { background:var(--caught-bg); border-color:var(--caught); }
.swatch.failed { background:var(--fail-bg); border-color:var(--fail); }
.swatch.running { background:var(--run-bg); border-color:var(--run); }
.swatch.not-visited { background:#fafbfc; border:1.5px dashed #cfd4dc; }
.badge-sample { background:var(--amber); color:#fff; border-radius:9px; padding:0 7px;
  font-size:11px; font-weight:700; }
.line { width:26px; height:0; border-top:2.6px solid #1f2937; display:inline-block; }
.line.dashed { border-top:2px dashed var(--caught); }
table.runs { width:100%; border-collapse:collapse; margin:8px 0 16px; font-size:13px; }
table.runs th { text-align:left; font-size:11px; text-transform:uppercase; letter-spacing:.05em;
  color:var(--muted); border-bottom:2px solid var(--line); padding:6px 8px; font-weight:600;
  white-space:nowrap; }
table.runs td { border-bottom:1px solid var(--line); padding:6px 8px; vertical-align:top; }
table.runs tr.not-visited td { color:#9aa2b1; }
td.num { text-align:right; font-variant-numeric:tabular-nums; } td.warn { color:#b06f00; font-weight:700; }
td.state-name { font-weight:600; white-space:nowrap; } td.inner { padding-left:22px; font-weight:500; }
td.bar-cell { width:140px; } .bar { display:block; height:8px; border-radius:4px; margin-top:6px;
  background:linear-gradient(90deg, #5b8def, #3b7ddd); min-width:1px; }
tr.failed .bar { background:var(--fail); } tr.caught .bar { background:var(--caught); }
details.failure summary { color:var(--fail); cursor:pointer; font-weight:600; }
details.failure pre { background:#fff7f7; border-radius:6px; padding:6px 8px; max-width:560px; }
a.child, span.child { display:block; font-weight:600; color:var(--run); text-decoration:none; }
details.data { border:1px solid var(--line); border-radius:8px; margin:8px 0; background:#fbfcfd; }
details.data summary { cursor:pointer; padding:8px 12px; font-weight:600; }
details.data summary small { color:var(--muted); font-weight:400; }
details.data pre { padding:0 14px 12px; max-height:480px; overflow:auto; }
"""
