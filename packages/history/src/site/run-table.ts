import { formatBytes } from "@ctrain/core";
import { formatNumber, htmlDataText, htmlText } from "@ctrain/report";
import type { HistoryRecord } from "../record.js";
import { runLinks, type RunLinks } from "./links.js";
import { shortCommit, shortDate } from "./view.js";

const MISSING = "—";

function link(href: string | undefined, content: string): string {
  return href ? `<a href="${htmlText(href)}">${content}</a>` : content;
}

/** A header cell whose button sorts the table by `key` (read by the page's script). */
function sortable(key: string, label: string, numeric = false): string {
  return `<th${numeric ? ' class="num"' : ""}><button type="button" data-sort="${htmlText(key)}">${label}</button></th>`;
}

function metricCell(metric: HistoryRecord["metrics"][string] | undefined): string {
  if (metric?.value == null) return `<td class="num">${MISSING}</td>`;
  const verdict = metric.verdict && metric.verdict !== "skipped" ? ` class="num ${metric.verdict}"` : ' class="num"';
  return `<td${verdict}>${htmlText(formatNumber(metric.value))}</td>`;
}

function driftCell(record: HistoryRecord): string {
  if (!record.drift.length) return `<td class="num">${MISSING}</td>`;
  const drifted = record.drift.filter((column) => column.drifted).length;
  return `<td class="num${drifted ? " drifted" : ""}">${drifted} of ${record.drift.length}</td>`;
}

function linksCell(record: HistoryRecord, links: RunLinks): string {
  const parts = [
    links.run && link(links.run, "run"),
    links.pullRequest && link(links.pullRequest, `#${record.pullRequest}`),
  ].filter(Boolean);
  return `<td class="links">${parts.join(" ")}</td>`;
}

/** The run table, newest first; each row names its run's index in the page's data for the script. */
export function runTable(runs: readonly HistoryRecord[], metrics: readonly string[]): string {
  const head = [
    '<th><span class="visually-hidden">compare</span></th>',
    sortable("commit", "commit"),
    sortable("date", "date"),
    sortable("release", "release"),
    sortable("verdict", "verdict"),
    ...metrics.map((name, index) => sortable(`metric:${index}`, htmlDataText(name, 40), true)),
    sortable("model", "model size", true),
    sortable("drift", "drifted columns", true),
    "<th>links</th>",
  ];
  const rows: string[] = [];
  for (let index = runs.length - 1; index >= 0; index--) {
    const run = runs[index]!;
    const links = runLinks(run);
    const commit = htmlText(shortCommit(run));
    rows.push(
      `<tr data-run="${index}">` +
        `<td><input type="checkbox" class="pick" value="${index}" aria-label="compare ${commit}"></td>` +
        `<td class="commit mono">${link(links.commit, commit)}</td>` +
        `<td>${htmlText(shortDate(run.date))}</td>` +
        `<td class="release">${run.release === undefined ? "" : link(links.release, htmlDataText(run.release, 40))}</td>` +
        `<td>${htmlText(run.verdicts.comparison ?? MISSING)}</td>` +
        metrics.map((name) => metricCell(run.metrics[name])).join("") +
        `<td class="num">${run.model ? htmlText(formatBytes(run.model.bytes)) : MISSING}</td>` +
        driftCell(run) +
        linksCell(run, links) +
        "</tr>",
    );
  }
  return `<table id="run-table"><thead><tr>${head.join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
