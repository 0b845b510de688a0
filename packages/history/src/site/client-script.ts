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
  var table = document.getElementById("run-table");
  var body = table.tBodies[0];
  var pageSize = Number(table.dataset.page);
  var moreButton = document.getElementById("show-more");
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
  /** A link only where the page's builder made one (into the run's repository on github.com). */
  function anchor(href, text) {
    if (!href) return el("span", text);
    var node = el("a", text);
    node.href = href;
    return node;
  }
  function short(run) { return run.commit ? run.commit.slice(0, 7) : run.id; }
  function when(run) { return new Date(run.date).toISOString().slice(0, 16).replace("T", " "); }
  function driftedCount(run) { return run.drift.filter(function (d) { return d.drifted; }).length; }

  // Rows: the runs that pass the filter, in the chosen order, drawn a page at a time.
  var picked = [];
  function rowOf(index) {
    var run = runs[index];
    var tr = el("tr");
    tr.dataset.run = String(index);
    var pick = el("input", undefined, "pick");
    pick.type = "checkbox";
    pick.value = String(index);
    pick.checked = picked.indexOf(index) >= 0;
    pick.setAttribute("aria-label", "compare " + short(run));
    var cell = el("td");
    cell.appendChild(pick);
    tr.appendChild(cell);
    cell = el("td", undefined, "commit mono");
    cell.appendChild(anchor(run.links.commit, short(run)));
    tr.appendChild(cell);
    tr.appendChild(el("td", when(run)));
    cell = el("td", undefined, "release");
    if (run.release !== undefined) cell.appendChild(anchor(run.links.release, run.release));
    tr.appendChild(cell);
    tr.appendChild(el("td", run.verdicts.comparison || MISSING));
    data.tableMetrics.forEach(function (name) {
      var metric = run.metrics[name];
      var verdict = metric && metric.verdict && metric.verdict !== "skipped" ? " " + metric.verdict : "";
      tr.appendChild(el("td", fmt(metric ? metric.value : undefined), "num" + verdict));
    });
    tr.appendChild(el("td", bytes(run.model && run.model.bytes), "num"));
    var drifted = driftedCount(run);
    tr.appendChild(el("td", run.drift.length ? drifted + " of " + run.drift.length : MISSING, "num" + (drifted ? " drifted" : "")));
    cell = el("td", undefined, "links");
    if (run.links.run) cell.appendChild(anchor(run.links.run, "run"));
    if (run.links.pullRequest) { cell.appendChild(document.createTextNode(" ")); cell.appendChild(anchor(run.links.pullRequest, "#" + run.pullRequest)); }
    tr.appendChild(cell);
    return tr;
  }

  // Filter: every word must appear in the run's commit, date, release, branch, verdicts, pull request or params.
  var haystacks = runs.map(function (run) {
    var parts = [run.commit || "", run.id, when(run), run.release || "", run.branch || "",
      run.verdicts.comparison || "", run.verdicts.validation || "", run.pullRequest ? "#" + run.pullRequest : ""];
    Object.keys(run.params).forEach(function (name) { parts.push(name + "=" + String(run.params[name])); });
    return parts.join(" ").toLowerCase();
  });
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
  var filter = document.getElementById("filter");
  var shown = document.getElementById("shown");
  var sortKey = "date";
  var sortDirection = -1;
  var matches = [];
  var drawn = 0;
  function drawMore() {
    var fragment = document.createDocumentFragment();
    var end = Math.min(matches.length, drawn + pageSize);
    for (; drawn < end; drawn++) fragment.appendChild(rowOf(matches[drawn]));
    body.appendChild(fragment);
    var left = matches.length - drawn;
    moreButton.hidden = left === 0;
    moreButton.textContent = "Show " + Math.min(left, pageSize) + " more of " + left;
  }
  function redraw() {
    var words = filter.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var keyed = [];
    runs.forEach(function (run, index) {
      var text = haystacks[index];
      if (words.every(function (word) { return text.indexOf(word) >= 0; })) keyed.push({ index: index, value: sortValue(run, sortKey) });
    });
    keyed.sort(function (a, b) {
      if (a.value === undefined || b.value === undefined) return (a.value === undefined) - (b.value === undefined);
      if (a.value < b.value) return -sortDirection;
      if (a.value > b.value) return sortDirection;
      return 0;
    });
    matches = keyed.map(function (entry) { return entry.index; });
    body.textContent = "";
    drawn = 0;
    drawMore();
    shown.textContent = matches.length + " of " + runs.length + " runs shown";
    table.querySelectorAll("th").forEach(function (th) {
      var button = th.querySelector("button");
      if (button && button.dataset.sort === sortKey) th.setAttribute("aria-sort", sortDirection > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }
  filter.addEventListener("input", redraw);
  moreButton.addEventListener("click", drawMore);
  table.querySelectorAll("button[data-sort]").forEach(function (button) {
    button.addEventListener("click", function () {
      if (sortKey === button.dataset.sort) sortDirection = -sortDirection;
      else { sortKey = button.dataset.sort; sortDirection = sortKey === "date" ? -1 : 1; }
      redraw();
    });
  });
  redraw();

  // Compare: the two runs picked in the table (the newest two until two are picked), side by side.
  var view = document.getElementById("compare-view");
  var compareRuns = [];
  function row(target, label, a, b, className) {
    var tr = el("tr", undefined, className);
    tr.appendChild(el("th", label));
    [a, b].forEach(function (value) {
      var td = el("td");
      if (value instanceof Node) td.appendChild(value); else td.textContent = value;
      tr.appendChild(td);
    });
    target.appendChild(tr);
    return tr;
  }
  function section(title, names, valueOf, withChange) {
    if (!names.length) return;
    view.appendChild(el("h3", title));
    var target = el("table", undefined, "compare-table");
    var head = el("tr");
    ["", "older", "newer"].concat(withChange ? ["change"] : []).forEach(function (text) { head.appendChild(el("th", text)); });
    target.appendChild(head);
    names.forEach(function (name) {
      var a = valueOf(compareRuns[0], name);
      var b = valueOf(compareRuns[1], name);
      var tr = row(target, name, fmt(a), fmt(b), fmt(a) === fmt(b) ? "" : "differs");
      if (withChange) tr.appendChild(el("td", typeof a === "number" && typeof b === "number" ? (b - a > 0 ? "+" : "") + fmt(b - a) : MISSING));
    });
    view.appendChild(target);
  }
  function union(key) {
    var names = {};
    compareRuns.forEach(function (run) { Object.keys(run[key] || {}).forEach(function (name) { names[name] = true; }); });
    return Object.keys(names).sort();
  }
  function both(valueOf) { return [valueOf(compareRuns[0]), valueOf(compareRuns[1])]; }
  function renderCompare() {
    var chosen = picked.length === 2 ? picked : [runs.length - 2, runs.length - 1].filter(function (i) { return i >= 0; });
    compareRuns = chosen.map(function (i) { return runs[i]; }).sort(function (a, b) { return Date.parse(a.date) - Date.parse(b.date); });
    view.textContent = "";
    if (compareRuns.length < 2) { view.appendChild(el("p", "Two runs are needed to compare.")); return; }
    var target = el("table", undefined, "compare-table compare-runs");
    var pairs = [
      ["commit", both(function (run) { return anchor(run.links.commit, short(run)); })],
      ["date", both(when)],
      ["run", both(function (run) { return anchor(run.links.run, run.runId ? String(run.runId) : run.id); })],
      ["release", both(function (run) { return anchor(run.links.release, run.release || MISSING); })],
      ["verdict", both(function (run) { return run.verdicts.comparison || MISSING; })],
      ["model size", both(function (run) { return bytes(run.model && run.model.bytes); })],
    ];
    pairs.forEach(function (pair) { row(target, pair[0], pair[1][0], pair[1][1]); });
    view.appendChild(target);
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
      var other = body.querySelector('input.pick[value="' + picked.shift() + '"]');
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
