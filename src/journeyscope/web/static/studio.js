// journeyscope design studio: draws the report's figures, links the opportunities lane to the
// map, and runs the editor (CodeMirror, validation as you type, preview, actual overlay).
(function () {
  "use strict";
  function csrfToken() {
    var field = document.querySelector("input[name=csrf_token]");
    if (field) return field.value;
    var headers = document.body.getAttribute("hx-headers");
    try { return headers ? JSON.parse(headers)["X-CSRF-Token"] : ""; } catch (e) { return ""; }
  }

  // ---------------------------------------------------------------- the journeys page
  function drawFigures(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("script[data-report-figure]").forEach(function (node) {
      if (node.dataset.drawn) return;
      node.dataset.drawn = "1";
      var target = document.getElementById(node.getAttribute("data-report-figure"));
      if (!target) return;
      var figure = JSON.parse(node.textContent);
      window.Plotly.newPlot(target, figure.data, figure.layout,
        { displaylogo: false, responsive: true, modeBarButtonsToRemove: ["sendDataToCloud"] });
    });
  }
  function highlight(step, on) {
    document.querySelectorAll('.js-journey-map [data-step="' + step + '"]').forEach(function (box) {
      box.classList.toggle("studio-hit", on);
    });
  }
  document.addEventListener("mouseover", function (ev) {
    var cell = ev.target.closest && ev.target.closest(".studio-cell");
    if (cell) highlight(cell.dataset.step, true);
  });
  document.addEventListener("mouseout", function (ev) {
    var cell = ev.target.closest && ev.target.closest(".studio-cell");
    if (cell) highlight(cell.dataset.step, false);
  });
  function syncScroll(root) {
    // the opportunities lane scrolls sideways with the journey map above it
    var map = root.querySelector && root.querySelector("[data-section='journey-map'] .picture-scroll");
    var lane = root.querySelector && root.querySelector("#opportunities .picture-scroll");
    if (!map || !lane || lane.dataset.synced) return;
    lane.dataset.synced = "1";
    var busy = false;
    function follow(from, to) {
      from.addEventListener("scroll", function () {
        if (busy) return;
        busy = true; to.scrollLeft = from.scrollLeft;
        window.requestAnimationFrame(function () { busy = false; });
      });
    }
    follow(map, lane); follow(lane, map);
  }
  window.addEventListener("load", function () { drawFigures(document); syncScroll(document); });
  document.addEventListener("htmx:afterSettle", function () { syncScroll(document); });
  document.addEventListener("htmx:afterSettle", function (ev) { drawFigures(ev.target); });

  document.addEventListener("submit", function (ev) {
    var ask = ev.target.dataset && ev.target.dataset.confirm;
    if (ask && !window.confirm(ask)) ev.preventDefault();
  });

  // ---------------------------------------------------------------------- the editor
  var form = document.getElementById("studio-editor");
  if (!form || !window.CodeMirror) return;
  var design = form.dataset.design;
  var messages = document.getElementById("studio-messages");
  var status = document.getElementById("studio-status");
  var preview = document.getElementById("studio-preview");
  var editor = window.CodeMirror.fromTextArea(document.getElementById("studio-text"), {
    mode: "yaml", lineNumbers: true, indentUnit: 2, tabSize: 2, lineWrapping: false,
    foldGutter: true, gutters: ["CodeMirror-linenumbers", "CodeMirror-foldgutter"],
    extraKeys: { Tab: function (cm) { cm.replaceSelection("  "); } },
  });
  editor.setSize(null, "62vh");
  var marked = [];

  function mark(list) {
    marked.forEach(function (n) { editor.removeLineClass(n, "background", "studio-line-error"); });
    marked = [];
    list.forEach(function (m) {
      if (m.line && m.severity === "error") {
        var n = m.line - 1;
        editor.addLineClass(n, "background", "studio-line-error");
        marked.push(n);
      }
    });
  }
  function show(list) {
    messages.innerHTML = "";
    list.forEach(function (m) {
      var li = document.createElement("li");
      li.className = "sev-" + m.severity;
      li.dataset.line = m.line || "";
      var go = document.createElement("button");
      go.type = "button"; go.className = "link-line"; go.dataset.goto = m.line || "";
      go.textContent = m.line ? "line " + m.line : "file";
      li.appendChild(go);
      li.appendChild(document.createTextNode(" "));
      var sev = document.createElement("strong"); sev.textContent = m.severity; li.appendChild(sev);
      if (m.field) {
        li.appendChild(document.createTextNode(" "));
        var code = document.createElement("code"); code.textContent = m.field; li.appendChild(code);
      }
      li.appendChild(document.createTextNode(": " + m.text));
      messages.appendChild(li);
    });
    mark(list);
  }
  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (k) { body.append(k, fields[k]); });
    body.append("csrf_token", csrfToken());
    return fetch(url, { method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken() } });
  }
  var timer = null, asked = 0;
  function validate() {
    var mine = ++asked;
    status.textContent = "checking…";
    post("/journeys/validate", { text: editor.getValue(), design: design || "" })
      .then(function (r) { return r.json(); })
      .then(function (result) {
        if (mine !== asked) return;  // a newer check is on its way
        show(result.messages);
        status.textContent = result.errors ? result.errors + (result.errors === 1 ? " error" : " errors")
          : (result.messages.length ? "valid, " + result.messages.length + " warning(s)" : "valid");
        status.className = "small-note " + (result.errors ? "studio-bad" : "studio-good");
        if (result.svg) preview.innerHTML = result.svg;
        preview.classList.toggle("studio-stale", !result.svg);
        var notice = document.getElementById("studio-notice");
        if (notice && !result.errors) notice.remove();  // the refused text is fixed now
      })
      .catch(function () { status.textContent = "could not check (is the server running?)"; });
  }
  editor.on("change", function () {
    clearTimeout(timer);
    timer = setTimeout(validate, 400);
  });
  mark(Array.prototype.map.call(messages.children, function (li) {
    return { line: parseInt(li.dataset.line, 10) || null, severity: li.className.replace("sev-", "") };
  }));
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t.matches && t.matches("[data-goto]") && t.dataset.goto) {
      var n = parseInt(t.dataset.goto, 10) - 1;
      editor.focus();
      editor.setCursor({ line: n, ch: 0 });
      editor.scrollIntoView({ line: n, ch: 0 }, 120);
    }
  });
  var overlayButton = document.getElementById("studio-overlay");
  var overlayStatus = document.getElementById("studio-overlay-status");
  function overlay() {
    overlayButton.disabled = true;
    overlayStatus.textContent = "computing the actual journey…";
    post("/journeys/overlay", { text: editor.getValue() })
      .then(function (r) {
        if (!r.ok) return r.json().then(function (b) { throw new Error(b.detail || b.error || r.statusText); });
        return r.json();
      })
      .then(function (result) {
        if (result.pending) {
          overlayStatus.textContent = "computing the actual journey… " + result.elapsed + " s";
          setTimeout(overlay, 1000);
          return;
        }
        preview.innerHTML = result.svg;
        overlayStatus.textContent = "Actual lanes from " + result.cases.toLocaleString() +
          " cases in the store (the next change redraws the design alone).";
        overlayButton.disabled = false;
      })
      .catch(function (e) { overlayStatus.textContent = "no overlay: " + e.message; overlayButton.disabled = false; });
  }
  overlayButton.addEventListener("click", overlay);
  form.addEventListener("submit", function () { editor.save(); });
})();
