// journeyscope workspace: draws Plotly figures, adds funnel steps, downloads pictures.
(function () {
  "use strict";
  function draw(root) {
    if (!window.Plotly) return;
    root.querySelectorAll("[data-figure]").forEach(function (el) {
      if (el.dataset.drawn) return;
      el.dataset.drawn = "1";
      var fig = JSON.parse(el.dataset.figure);
      window.Plotly.newPlot(el, fig.data, fig.layout, {
        responsive: true, displaylogo: false, scrollZoom: false,
        modeBarButtonsToRemove: ["sendDataToCloud"],
      }).then(function () { drillFromLinks(el); });
    });
  }
  // A click on a Sankey link opens the drill-down of the table row drawn as that link
  // (the paths chart draws its links in the table's row order).
  function drillFromLinks(el) {
    if (!el.on || !el.data || !el.data[0] || el.data[0].type !== "sankey") return;
    el.on("plotly_click", function (ev) {
      var point = ev && ev.points && ev.points[0];
      if (!point || point.source === undefined || point.target === undefined) return;
      var card = el.closest(".result");
      var rows = card ? card.querySelectorAll("tbody tr") : [];
      var row = rows[point.pointNumber];
      var link = row && row.querySelector("a[href*='/drill?']");
      if (link) { window.location.href = link.href; }
    });
  }
  function addStep() {
    var list = document.getElementById("steps");
    if (!list) return;
    var n = list.children.length + 1;
    var li = document.createElement("li");
    li.innerHTML = '<label class="sr" for="step' + n + '">Step ' + n + '</label>' +
      '<input id="step' + n + '" name="step" list="activities" placeholder="activity" autocomplete="off">' +
      ' <label class="check"><input type="checkbox" name="optional" value="' + n + '"> optional</label>';
    list.appendChild(li);
    li.querySelector("input").focus();
  }
  document.addEventListener("click", function (ev) {
    var t = ev.target;
    if (t.matches("[data-add-step]")) { addStep(); }
    if (t.matches("[data-download-svg]")) {
      var pic = t.closest(".result").querySelector(".svg-wrap svg");
      if (pic) {
        var url = URL.createObjectURL(new Blob([pic.outerHTML], { type: "image/svg+xml" }));
        var a = document.createElement("a");
        a.href = url; a.download = "journeyscope-process-map.svg"; a.click();
        setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
      }
    }
    if (t.matches("[data-download]")) {
      var card = t.closest(".result");
      var plot = card && card.querySelector(".plot");
      if (plot && window.Plotly) {
        window.Plotly.downloadImage(plot, { format: t.dataset.download, filename: "journeyscope", width: 1200, height: 600 });
      }
    }
  });
  document.addEventListener("submit", function (ev) {
    // keep the URL short: empty fields are not part of the query
    var form = ev.target;
    if (form.method.toLowerCase() !== "get") return;
    form.querySelectorAll("input, select").forEach(function (el) {
      if (el.name && el.value === "" ) el.disabled = true;
    });
    setTimeout(function () { form.querySelectorAll(":disabled").forEach(function (el) { el.disabled = false; }); }, 0);
  });
  function ready() { draw(document); }
  window.addEventListener("load", ready);
  document.addEventListener("htmx:afterSettle", function (ev) { draw(ev.target); });
})();
