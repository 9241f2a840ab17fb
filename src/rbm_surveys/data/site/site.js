/* rbm partners' site: filters (location, year, status) and Vega-Lite charts, offline. */
(function () {
  "use strict";
  var dataEl = document.getElementById("page-data");
  var page = dataEl ? JSON.parse(dataEl.textContent) : { charts: [] };
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));

  function current() {
    var f = {};
    selects.forEach(function (s) { if (s.value !== "") { f[s.getAttribute("data-filter")] = s.value; } });
    return f;
  }

  function keep(row, f) {
    for (var k in f) {
      if (!Object.prototype.hasOwnProperty.call(f, k)) { continue; }
      if (!(k in row)) { continue; }             // a chart without that field is not filtered by it
      if (k === "year" && row.cumulative_year !== undefined) { continue; }
      if (String(row[k]) !== f[k]) { return false; }
    }
    return true;
  }

  function drawCharts(f) {
    if (typeof vegaEmbed !== "function") { return; }
    page.charts.forEach(function (c) {
      var el = document.getElementById(c.id);
      if (!el) { return; }
      var spec = JSON.parse(JSON.stringify(c.spec));
      var values = spec.data.values.filter(function (r) {
        var g = {};
        (c.filter_by || []).forEach(function (k) { if (k in f) { g[k] = f[k]; } });
        return keep(r, g);
      });
      spec.data.values = values;
      var empty = document.getElementById(c.id + "-empty");
      if (empty) { empty.classList.toggle("hidden", values.length > 0); }
      el.classList.toggle("hidden", values.length === 0);
      if (values.length === 0) { el.innerHTML = ""; return; }
      vegaEmbed(el, spec, { actions: false, renderer: "svg" }).then(function (res) {
        el.setAttribute("data-rendered", "1");
        var svg = el.querySelector("svg");
        if (svg) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", c.label || "chart"); }
      }).catch(function (err) { el.textContent = "Chart could not be drawn: " + err; });
    });
  }

  function filterRows(f) {
    var rows = document.querySelectorAll("[data-row]");
    var shown = 0;
    Array.prototype.forEach.call(rows, function (r) {
      var ok = true;
      for (var k in f) {
        var v = r.getAttribute("data-" + k);
        if (v === null) { continue; }
        if (v.split("|").indexOf(f[k]) < 0) { ok = false; }
      }
      r.classList.toggle("hidden", !ok);
      if (ok) { shown += 1; }
    });
    var live = document.getElementById("filter-count");
    if (live) { live.textContent = shown + " row(s) shown"; }
  }

  function apply() {
    var f = current();
    filterRows(f);
    drawCharts(f);
    var q = selects.map(function (s) { return s.getAttribute("data-filter") + "=" + encodeURIComponent(s.value); });
    if (history.replaceState) { history.replaceState(null, "", "#" + q.join("&")); }
  }

  // restore filters from the address (#location=...&year=...)
  if (location.hash.length > 1) {
    location.hash.slice(1).split("&").forEach(function (kv) {
      var p = kv.split("=");
      selects.forEach(function (s) {
        if (s.getAttribute("data-filter") === p[0]) {
          var v = decodeURIComponent(p[1] || "");
          if (Array.prototype.some.call(s.options, function (o) { return o.value === v; })) { s.value = v; }
        }
      });
    });
  }
  selects.forEach(function (s) { s.addEventListener("change", apply); });
  var reset = document.getElementById("reset-filters");
  if (reset) {
    reset.addEventListener("click", function () { selects.forEach(function (s) { s.value = ""; }); apply(); });
  }
  apply();
}());
