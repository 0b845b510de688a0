import type { CheckResult, DatasetConfig } from "@ctrain/core";
import type { DatasetProfile } from "../profile/schema.js";
import type { BaselineFacts } from "./baseline-facts.js";
import { formatCount, formatPercent, formatShare, tableResult, type Severity } from "./results.js";

/** Class counts are kept exactly up to this many labels; more is a regression target, not classes. */
export const MAX_LABEL_CLASSES = 10_000;

/**
 * Checks on a dataset's whole row count: the bounds of `rows:` and the ratio to the baseline's rows. They need the
 * final count, so they run once a dataset is read to its end (or its shards merged).
 */
export function rowCountResults(context: {
  rows: number;
  config: DatasetConfig["rows"];
  severity: Severity;
  /** The dataset's config key, for notices. */
  key: string;
  baseline?: BaselineFacts;
  notice?: (message: string) => void;
}): CheckResult[] {
  const { rows, config, severity, baseline } = context;
  const results: CheckResult[] = [];
  if (config.min !== undefined || config.max !== undefined) {
    results.push(
      tableResult(
        { check: "expect_table_row_count_to_be_between", severity },
        {
          success: rows >= (config.min ?? 0) && rows <= (config.max ?? Infinity),
          message: `${formatCount(rows)} rows; expected ${bounds(config.min, config.max, formatCount)}`,
          elements: rows,
          unexpected: 0,
          observed: rows,
        },
      ),
    );
  }
  const minRatio = config["min-ratio-to-baseline"];
  const maxRatio = config["max-ratio-to-baseline"];
  if (minRatio === undefined && maxRatio === undefined) return results;
  if (baseline?.rows === undefined || baseline.rows === 0) {
    context.notice?.(
      `${context.key}.rows: ${baseline ? `${baseline.description} has no row count` : "no baseline"}, so the row-count ratio is not checked`,
    );
    return results;
  }
  const ratio = rows / baseline.rows;
  results.push(
    tableResult(
      { check: "expect_table_row_count_ratio_to_baseline_to_be_between", severity },
      {
        success: ratio >= (minRatio ?? 0) && ratio <= (maxRatio ?? Infinity),
        message: `${formatCount(rows)} rows, ${formatShare(ratio)} x the ${formatCount(baseline.rows)} of ${baseline.description}; expected ${bounds(minRatio, maxRatio, formatShare)}`,
        elements: rows,
        unexpected: 0,
        observed: ratio,
      },
    ),
  );
  return results;
}

/**
 * Class balance: every class of the label must hold at least `share` of the labelled rows. `counts` undefined means
 * there were more than `MAX_LABEL_CLASSES` labels (a regression target), which fails the check.
 */
export function classShareResult(
  column: string,
  counts: ReadonlyMap<string, number> | undefined,
  share: number,
  severity: Severity,
): CheckResult {
  const identity = { check: "expect_label_class_shares_to_be_at_least", column, severity };
  if (counts === undefined) {
    return tableResult(identity, {
      success: false,
      message: `${column}: more than ${formatCount(MAX_LABEL_CLASSES)} distinct labels: not class labels, so class balance cannot be checked`,
      elements: 0,
      unexpected: 0,
    });
  }
  let labelled = 0;
  for (const count of counts.values()) labelled += count;
  const shares = [...counts].map(([name, count]) => ({ name, share: count / labelled }));
  const small = shares.filter((entry) => entry.share < share).sort((a, b) => a.share - b.share);
  const smallest = shares.reduce((min, entry) => Math.min(min, entry.share), shares.length ? 1 : 0);
  return tableResult(identity, {
    success: small.length === 0,
    message:
      small.length === 0
        ? `${column}: every one of ${shares.length} classes holds at least ${formatPercent(100 * share)} of labelled rows`
        : `${column}: ${small.length} of ${shares.length} classes hold less than ${formatPercent(100 * share)} of labelled rows: ${small
            .slice(0, 5)
            .map((entry) => `${JSON.stringify(entry.name)} ${formatPercent(100 * entry.share)}`)
            .join(", ")}`,
    elements: shares.length,
    unexpected: small.length,
    observed: smallest,
    examples: small.map((entry) => ({ value: `${entry.name}: ${formatShare(entry.share)}` })),
  });
}

function bounds(min: number | undefined, max: number | undefined, format: (n: number) => string): string {
  if (min !== undefined && max !== undefined) return `between ${format(min)} and ${format(max)}`;
  return min !== undefined ? `at least ${format(min)}` : `at most ${format(max!)}`;
}

export const EMPTY_COLUMN_CHECK = "expect_column_values_to_not_be_all_null";

/** Columns named at most this many times as all-null warnings; the message counts the rest. */
const EMPTY_COLUMNS_NAMED = 20;

/**
 * A column that holds no value in any row is accepted data but rarely meant: a warning per column (never failing the
 * dataset), found from the profile so it costs no second pass.
 */
export function emptyColumnResults(profile: DatasetProfile): CheckResult[] {
  const empty = Object.entries(profile.columns).filter(
    ([, column]) => column.count > 0 && column.nullCount === column.count,
  );
  return empty.slice(0, EMPTY_COLUMNS_NAMED).map(([column, stats]) =>
    tableResult(
      { check: EMPTY_COLUMN_CHECK, column, severity: "warn" },
      {
        success: false,
        message: `${column} is empty in all ${formatCount(stats.count)} rows${empty.length > EMPTY_COLUMNS_NAMED ? ` (${formatCount(empty.length)} columns are empty; the first ${EMPTY_COLUMNS_NAMED} are named)` : ""}`,
        elements: stats.count,
        unexpected: stats.count,
      },
    ),
  );
}
