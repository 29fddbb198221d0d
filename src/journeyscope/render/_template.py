"""The report's HTML page (a Jinja template) and its style sheet.

Kept as Python strings so they ship inside the package with the code that fills them.
"""

from __future__ import annotations

from typing import Final

CSS: Final = """
:root { --ink:#1F2328; --muted:#57606A; --rule:#D0D7DE; --panel:#F6F8FA; --accent:#0072B2;
        --warn:#D55E00; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin:0; font-family: var(--font); color: var(--ink); background:#FFFFFF;
       font-size: 14px; line-height: 1.5; }
header.top { padding: 20px 32px 12px; border-bottom: 1px solid var(--rule); }
header.top h1 { margin: 0 0 4px; font-size: 24px; }
header.top p { margin: 0; color: var(--muted); }
nav.toc { position: sticky; top: 0; z-index: 5; background: #FFFFFFEE; border-bottom: 1px solid var(--rule);
          padding: 8px 32px; display: flex; flex-wrap: wrap; gap: 4px 16px; }
nav.toc a { color: var(--accent); text-decoration: none; font-size: 13px; white-space: nowrap; }
nav.toc a:hover { text-decoration: underline; }
main { padding: 8px 32px 40px; }
section { margin: 28px 0 36px; scroll-margin-top: 48px; }
section > h2 { font-size: 20px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 2px solid var(--ink); }
.tables { display: flex; flex-wrap: wrap; gap: 8px 32px; align-items: flex-start; }
section h3 { font-size: 15px; margin: 18px 0 4px; }
section > p.lead { margin: 4px 0 12px; max-width: 980px; color: var(--ink); }
p.note, .how { color: var(--muted); font-size: 12.5px; max-width: 980px; margin: 6px 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 12px 0; }
.card { border: 1px solid var(--rule); border-radius: 8px; padding: 10px 12px; background: var(--panel); }
.card .value { font-size: 22px; font-weight: 700; }
.card .label { color: var(--muted); font-size: 12.5px; }
figure.picture { margin: 8px 0 4px; }
.picture-scroll { overflow-x: auto; border: 1px solid var(--rule); border-radius: 8px; background: #FFFFFF; }
.picture-scroll > svg { display: block; }
.chart { width: 100%; }
table.data { border-collapse: collapse; margin: 8px 0 4px; font-size: 13px; }
table.data th, table.data td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: left; vertical-align: top; }
table.data th { background: var(--panel); font-weight: 700; }
table.data td.num, table.data th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.data td.path { max-width: 760px; }
table.data td { overflow-wrap: anywhere; }
.modes > label { display: inline-block; margin: 4px 6px 8px 0; border: 1px solid var(--rule); border-radius: 6px;
                 padding: 3px 14px; cursor: pointer; font-size: 13px; }
.modes > input { position: absolute; opacity: 0; pointer-events: none; }
.modes > input:focus-visible + label { outline: 2px solid var(--accent); }
.pm-duration { display: none; }
#pm-mode-duration:checked ~ .pm-frequency { display: none; }
#pm-mode-duration:checked ~ .pm-duration { display: block; }
#pm-mode-frequency:checked + label, #pm-mode-duration:checked + label { background: var(--ink); color: #FFFFFF; border-color: var(--ink); }
.missing { border: 1px dashed var(--rule); border-radius: 8px; padding: 12px 16px; color: var(--muted); background: var(--panel); }
footer { padding: 16px 32px 32px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 12.5px; }
footer table.data { font-size: 12px; }
"""

PAGE: Final = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="journeyscope {{ version }}">
<title>{{ title }}</title>
<style>
{{ font_css }}
:root { --font: {{ font_family }}; }
{{ css }}
</style>
<script>{{ plotly_js }}</script>
</head>
<body>
<header class="top">
  <h1>{{ title }}</h1>
  <p>{{ subtitle }}</p>
</header>
<nav class="toc" aria-label="Sections">
{% for s in sections %}<a href="#{{ s.id }}">{{ s.title }}</a>
{% endfor %}</nav>
<main>
{% for s in sections %}
<section id="{{ s.id }}" data-section="{{ s.id }}">
  <h2>{{ s.title }}</h2>
  {% if s.lead %}<p class="lead">{{ s.lead }}</p>{% endif %}
  {{ s.body }}
  {% for note in s.notes %}<p class="how">{{ note }}</p>{% endfor %}
</section>
{% endfor %}
</main>
<footer>
  <p>{{ footer }}</p>
  {{ timings }}
</footer>
<script>
(function () {
  var config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"]};
  document.querySelectorAll("script[type='application/json'][data-figure]").forEach(function (node) {
    var figure = JSON.parse(node.textContent);
    var target = document.getElementById(node.getAttribute("data-figure"));
    Plotly.newPlot(target, figure.data, figure.layout, config).then(function () {
      target.setAttribute("data-rendered", "true");
    });
  });
})();
</script>
</body>
</html>
"""
