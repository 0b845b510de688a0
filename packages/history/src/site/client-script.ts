/**
 * The page's script: filter and sort the run table, compare two runs, name the run under the pointer in a chart.
 * Plain ES2020 in a string (the project's TypeScript has no DOM types); it reads the page's inline data and writes
 * only through textContent and DOM properties, so no text from data is ever parsed as markup. The Chromium test
 * covers every path.
 */
export const CLIENT_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("history-data").textContent);
  var runs = data.runs;
  var body = document.querySelector("#run-table tbody");
  var rows = Array.prototype.slice.call(body.rows);
  var MISSING = "\\u2014";

  function fmt(value) {
    if (value === null || value === undefined) return MISSING;
    if (typeof value !== "number") return String(value);
    if (Number.isInteger(value)) return String(value);
    var magnitude = Math.abs(value);
    if (magnitude !== 0 && (magnitude < 1e-4 || magnitude >= 1e15)) return value.toExponential(3);
    return String(Number(value.toPrecision(5)));
  }
  function bytes(value) {
    if (value === undefined) return MISSING;
    var units = ["B", "KiB", "MiB", "GiB", "TiB"];
    var unit = 0;
    while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit++; }
    return (unit ? value.toFixed(1) : String(value)) + " " + units[unit];
  }
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  }
  /** The run's cell from the table (its links were built there from trusted fields), or the text when it has none. */
  function cellOf(index, className, text) {
    var cell = body.querySelector('tr[data-run="' + index + '"] td.' + className);
    var span = el("span");
    if (cell && cell.querySelector("a")) cell.childNodes.forEach(function (node) { span.appendChild(node.cloneNode(true)); });
    else span.textContent = text;
    return span;
  }
  function short(run) { return run.commit ? run.commit.slice(0, 7) : run.id; }
  function driftedCount(run) { return run.drift.filter(function (d) { return d.drifted; }).length; }

  // Filter: every word must appear in the run's commit, date, release, branch, verdicts, pull request or params.
  var haystacks = runs.map(function (run) {
    var parts = [run.commit || "", run.id, run.date, run.release || "", run.branch || "",
      run.verdicts.comparison || "", run.verdicts.validation || "", run.pullRequest ? "#" + run.pullRequest : ""];
    Object.keys(run.params).forEach(function (name) { parts.push(name + "=" + String(run.params[name])); });
    return parts.join(" ").toLowerCase();
  });
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  function applyFilter() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = haystacks[Number(row.dataset.run)];
      var match = words.every(function (word) { return text.indexOf(word) >= 0; });
      row.hidden = !match;
      if (match) count++;
    });
    shown.textContent = count + " of " + runs.length + " runs shown";
  }
  filter.addEventListener("input", applyFilter);
  applyFilter();

  // Sort: numbers numerically, text alphabetically, missing values last in both directions.
  function sortValue(run, key) {
    if (key === "date") return Date.parse(run.date);
    if (key === "commit") return run.commit || run.id;
    if (key === "release") return run.release;
    if (key === "verdict") return run.verdicts.comparison;
    if (key === "model") return run.model ? run.model.bytes : undefined;
    if (key === "drift") return run.drift.length ? driftedCount(run) : undefined;
    var metric = run.metrics[data.tableMetrics[Number(key.slice("metric:".length))]];
    return metric && metric.value !== null ? metric.value : undefined;
  }
  var sortKey = "date";
  var sortDirection = -1;
  function applySort() {
    var keyed = rows.map(function (row) { return { row: row, value: sortValue(runs[Number(row.dataset.run)], sortKey) }; });
    keyed.sort(function (a, b) {
      if (a.value === undefined || b.value === undefined) return (a.value === undefined) - (b.value === undefined);
      if (a.value < b.value) return -sortDirection;
      if (a.value > b.value) return sortDirection;
      return 0;
    });
    rows = keyed.map(function (entry) { return entry.row; });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) { fragment.appendChild(row); });
    body.appendChild(fragment);
    document.querySelectorAll("#run-table th").forEach(function (th) {
      var button = th.querySelector("button");
      if (button && button.dataset.sort === sortKey) th.setAttribute("aria-sort", sortDirection > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }
  document.querySelectorAll("#run-table button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (sortKey === button.dataset.sort) sortDirection = -sortDirection;
      else { sortKey = button.dataset.sort; sortDirection = sortKey === "date" ? -1 : 1; }
      applySort();
    });
  });
  applySort();

  // Compare: the two runs picked in the table (the newest two until two are picked), side by side.
  var view = document.getElementById("compare-view");
  var picked = [];
  function row(table, label, a, b, className) {
    var tr = el("tr", undefined, className);
    tr.appendChild(el("th", label));
    [a, b].forEach(function (value) {
      var td = el("td");
      if (value instanceof Node) td.appendChild(value); else td.textContent = value;
      tr.appendChild(td);
    });
    table.appendChild(tr);
    return tr;
  }
  function section(title, names, valueOf, withChange) {
    if (!names.length) return;
    view.appendChild(el("h3", title));
    var table = el("table", undefined, "compare-table");
    var head = el("tr");
    ["", "older", "newer"].concat(withChange ? ["change"] : []).forEach(function (text) { head.appendChild(el("th", text)); });
    table.appendChild(head);
    names.forEach(function (name) {
      var a = valueOf(compareRuns[0], name);
      var b = valueOf(compareRuns[1], name);
      var tr = row(table, name, fmt(a), fmt(b), fmt(a) === fmt(b) ? "" : "differs");
      if (withChange) tr.appendChild(el("td", typeof a === "number" && typeof b === "number" ? (b - a > 0 ? "+" : "") + fmt(b - a) : MISSING));
    });
    view.appendChild(table);
  }
  var compareRuns = [];
  function union(key) {
    var names = {};
    compareRuns.forEach(function (run) { Object.keys(run[key] || {}).forEach(function (name) { names[name] = true; }); });
    return Object.keys(names).sort();
  }
  function renderCompare() {
    var chosen = picked.length === 2 ? picked : [runs.length - 2, runs.length - 1].filter(function (i) { return i >= 0; });
    compareRuns = chosen.map(function (i) { return runs[i]; }).sort(function (a, b) { return Date.parse(a.date) - Date.parse(b.date); });
    view.textContent = "";
    if (compareRuns.length < 2) { view.appendChild(el("p", "Two runs are needed to compare.")); return; }
    var table = el("table", undefined, "compare-table compare-runs");
    var indexes = compareRuns.map(function (run) { return runs.indexOf(run); });
    function cells(className, textOf) {
      return indexes.map(function (index) { return cellOf(index, className, textOf(runs[index])); });
    }
    var commits = cells("commit", short);
    row(table, "commit", commits[0], commits[1]);
    row(table, "date", compareRuns[0].date, compareRuns[1].date);
    var links = cells("links", function (run) { return run.runId ? "run " + run.runId : run.id; });
    row(table, "run", links[0], links[1]);
    var releases = cells("release", function (run) { return run.release || MISSING; });
    row(table, "release", releases[0], releases[1]);
    row(table, "verdict", compareRuns[0].verdicts.comparison || MISSING, compareRuns[1].verdicts.comparison || MISSING);
    row(table, "model size", bytes(compareRuns[0].model && compareRuns[0].model.bytes), bytes(compareRuns[1].model && compareRuns[1].model.bytes));
    view.appendChild(table);
    section("Metrics", union("metrics"), function (run, name) { return run.metrics[name] ? run.metrics[name].value : undefined; }, true);
    section("Params", union("params"), function (run, name) { return run.params[name]; }, false);
    section("Model test", union("modelTest"), function (run, name) { return run.modelTest ? run.modelTest[name] : undefined; }, true);
    var columns = {};
    compareRuns.forEach(function (run) { run.drift.forEach(function (d) { if (d.drifted) columns[d.dataset + "/" + d.column] = true; }); });
    section("Drifted columns", Object.keys(columns).sort(), function (run, name) {
      var found = run.drift.filter(function (d) { return d.dataset + "/" + d.column === name; })[0];
      return found ? (found.drifted ? "drifted" : "no drift") + " (" + found.test + " " + fmt(found.statistic) + ")" : undefined;
    }, false);
  }
  body.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList.contains("pick")) return;
    var index = Number(box.value);
    picked = picked.filter(function (i) { return i !== index; });
    if (box.checked) picked.push(index);
    while (picked.length > 2) {
      var dropped = picked.shift();
      var other = body.querySelector('input.pick[value="' + dropped + '"]');
      if (other) other.checked = false;
    }
    renderCompare();
  });
  renderCompare();

  // Charts: the run under the pointer, found from the same x rule the charts were drawn with.
  var tip = document.getElementById("chart-tip");
  document.querySelectorAll("svg.chart").forEach(function (svg) {
    var metric = data.charts[Number(svg.dataset.chart)];
    svg.addEventListener("mousemove", function (event) {
      var box = svg.getBoundingClientRect();
      var x = ((event.clientX - box.left) / box.width) * svg.viewBox.baseVal.width;
      var count = Number(svg.dataset.count);
      var index = count <= 1 ? 0 : Math.round(((x - Number(svg.dataset.x0)) / Number(svg.dataset.width)) * (count - 1));
      var run = runs[Math.max(0, Math.min(count - 1, index))];
      var value = run.metrics[metric];
      tip.textContent = short(run) + " \\u00b7 " + run.date.slice(0, 10) + (run.release ? " \\u00b7 " + run.release : "") +
        " \\u00b7 " + metric + " = " + fmt(value ? value.value : undefined);
      tip.hidden = false;
      tip.style.left = event.pageX + 12 + "px";
      tip.style.top = event.pageY + 12 + "px";
    });
    svg.addEventListener("mouseleave", function () { tip.hidden = true; });
  });
})();
`;
