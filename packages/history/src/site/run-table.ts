import { htmlDataText, htmlText } from "@ctrain/report";

/** Rows the page draws at first and per "show more": the table stays quick with thousands of runs. */
const TABLE_ROWS_PAGE = 300;

/** A header cell whose button sorts the table by `key` (read by the page's script). */
function sortable(key: string, label: string, numeric = false): string {
  return `<th${numeric ? ' class="num"' : ""}><button type="button" data-sort="${htmlText(key)}">${label}</button></th>`;
}

/**
 * The run table's frame: sortable headers, and a body the page's script fills from the inline data (filtered,
 * sorted, TABLE_ROWS_PAGE rows at a time), writing data only as text.
 */
export function runTable(metrics: readonly string[]): string {
  const head = [
    '<th><span class="visually-hidden">compare</span></th>',
    sortable("commit", "commit"),
    sortable("date", "date (UTC)"),
    sortable("release", "release"),
    sortable("verdict", "verdict"),
    ...metrics.map((name, index) => sortable(`metric:${index}`, htmlDataText(name, 40), true)),
    sortable("model", "model size", true),
    sortable("drift", "drifted columns", true),
    "<th>links</th>",
  ];
  return (
    `<table id="run-table" data-page="${TABLE_ROWS_PAGE}"><thead><tr>${head.join("")}</tr></thead><tbody></tbody></table>` +
    '<p><button type="button" id="show-more" hidden></button></p>' +
    "<noscript><p>The run table, its filter and the compare view need JavaScript.</p></noscript>"
  );
}
