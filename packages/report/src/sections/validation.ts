import type { CheckResult, ValidationDocument } from "@ctrain/core";
import { labelCell, numberCell, valueCell } from "../cells.js";
import { heading, joinInline, label, paragraph, text, type Block, type Cell, type Inline } from "../document.js";
import { formatCount, formatNumber, formatShare } from "../format.js";
import { tableWithin, type Measure, type Section } from "../fit.js";
import { markdownBlocks } from "../markdown.js";
import type { ReportContext } from "../input.js";

type Dataset = ValidationDocument["datasets"][number];
type DriftedColumn = NonNullable<Dataset["drift"]>["columns"][number];
interface FailedCheck {
  dataset: string;
  result: CheckResult;
}

const EXAMPLES_SHOWN = 3;
const CATEGORIES_SHOWN = 5;

function examplesCell(result: CheckResult): Cell {
  const examples = result.result.partial_unexpected_list.slice(0, EXAMPLES_SHOWN).map((example): Inline[] => {
    const where = example.file
      ? [label(" ("), text(example.line === undefined ? example.file : `${example.file}:${example.line}`), label(")")]
      : [];
    return [...valueCell(example.value), ...where];
  });
  return examples.length ? joinInline(examples, ", ") : numberCell(undefined);
}

function unexpectedCell(result: CheckResult): Cell {
  const { unexpected_count: count, unexpected_percent: percent, element_count: total } = result.result;
  return labelCell(
    total ? `${formatCount(count)} of ${formatCount(total)} (${formatNumber(percent)}%)` : formatCount(count),
  );
}

function checkRow(failed: FailedCheck, withExamples: boolean): Cell[] {
  const { result } = failed;
  const row: Cell[] = [
    [text(failed.dataset)],
    result.column === undefined ? numberCell(undefined) : [text(result.column)],
    [label(result.severity === "error" ? "❌ " : "⚠️ "), text(result.check)],
    unexpectedCell(result),
  ];
  if (withExamples) row.push([text(result.message)], examplesCell(result));
  return row;
}

function checksTable(checks: FailedCheck[], withExamples: boolean) {
  const head = ["dataset", "column", "check", "unexpected", ...(withExamples ? ["result", "examples"] : [])].map(
    labelCell,
  );
  return { head, rows: checks.map((check) => checkRow(check, withExamples)) };
}

function categoriesCell(column: DriftedColumn): Cell {
  const shown = column.newCategories.slice(0, CATEGORIES_SHOWN).map((value) => valueCell(value));
  if (!shown.length) return numberCell(undefined);
  const more = column.newCategories.length - shown.length;
  return [...joinInline(shown, ", "), ...(more > 0 ? [label(` and ${more} more`)] : [])];
}

function driftRow(dataset: string, column: DriftedColumn, full: boolean): Cell[] {
  const row: Cell[] = [
    [text(dataset)],
    [text(column.column)],
    [text(column.test), label(column.sampled ? " (sample)" : "")],
    numberCell(column.statistic),
    labelCell(formatNumber(column.threshold)),
  ];
  if (full) row.push(numberCell(column.pValue), [text(column.type)], categoriesCell(column));
  return row;
}

function driftTable(validation: ValidationDocument, full: boolean) {
  const head = [
    "dataset",
    "column",
    "test",
    "score",
    "threshold",
    ...(full ? ["p-value", "type", "new categories"] : []),
  ].map(labelCell);
  const rows = validation.datasets.flatMap((dataset) =>
    (dataset.drift?.columns ?? [])
      .filter((column) => column.drifted)
      .map((column) => driftRow(dataset.name, column, full)),
  );
  return { head, rows };
}

function summaryLine(validation: ValidationDocument): Block {
  const { evaluated_expectations: evaluated, unsuccessful_expectations: failed } = validation.statistics;
  const rows = validation.datasets.reduce((sum, dataset) => sum + dataset.rows, 0);
  const datasets = validation.datasets.length;
  const checked = `on ${formatCount(datasets)} dataset${datasets === 1 ? "" : "s"} (${formatCount(rows)} rows)`;
  return paragraph(
    label(
      failed
        ? `${validation.success ? "⚠️" : "❌"} ${formatCount(failed)} of ${formatCount(evaluated)} checks failed ${checked}.`
        : `✅ All ${formatCount(evaluated)} checks passed ${checked}.`,
    ),
  );
}

function driftLines(validation: ValidationDocument): Block[] {
  return validation.datasets.flatMap((dataset) => {
    const drift = dataset.drift;
    if (!drift) return [];
    const drifted = drift.columns.filter((column) => column.drifted).length;
    return [
      paragraph(
        label(drift.datasetDrift ? "⚠️ Dataset drift in " : "Drift in "),
        text(dataset.name),
        label(" against "),
        text(drift.baseline),
        label(
          `: ${formatCount(drifted)} of ${formatCount(drift.columns.length)} columns drifted (${formatShare(drift.driftedShare)}; ` +
            `the dataset counts as drifted from ${formatShare(drift.threshold)}).`,
        ),
      ),
    ];
  });
}

function unreadable(validation: ValidationDocument): Block[] {
  if (!validation.errors.length) return [];
  return [
    paragraph(label("Inputs that could not be read:")),
    {
      kind: "list",
      items: validation.errors.map((error) => [
        text(error.message),
        ...(error.location ? [label(" ("), text(error.location), label(")")] : []),
      ]),
    },
  ];
}

/** Failed checks first (errors before warnings), then drifted columns; each table cut to its share of the budget. */
function fittedTables(
  validation: ValidationDocument,
  checks: FailedCheck[],
  budget: number,
  measure: Measure,
): Block[] {
  const blocks = [heading(3, label("Data validation")), summaryLine(validation)];
  let remaining = budget - measure(markdownBlocks(blocks) + "\n\n");
  const checkBlocks = tableWithin(
    checksTable(checks, false),
    remaining,
    measure,
    (count) => `…and ${formatCount(count)} more failed checks in the full report.`,
  );
  if (checkBlocks.length) remaining -= measure(markdownBlocks(checkBlocks) + "\n\n");
  const driftBlocks = tableWithin(
    driftTable(validation, false),
    remaining,
    measure,
    (count) => `…and ${formatCount(count)} more drifted columns in the full report.`,
  );
  return [...blocks, ...checkBlocks, ...driftBlocks];
}

/** Data validation: failed checks with examples, drift per dataset with each drifted column's test, score and threshold. */
export function validationSection(context: ReportContext): Section | undefined {
  const validation = context.input.validation;
  if (!validation) return undefined;
  const checks: FailedCheck[] = validation.datasets
    .flatMap((dataset) =>
      dataset.results.filter((result) => !result.success).map((result) => ({ dataset: dataset.name, result })),
    )
    .sort((a, b) => (a.result.severity === b.result.severity ? 0 : a.result.severity === "error" ? -1 : 1));
  const detailed = (full: boolean): Block[] => {
    const blocks = [heading(3, label("Data validation")), summaryLine(validation), ...unreadable(validation)];
    if (checks.length) blocks.push({ kind: "table", ...checksTable(checks, full) });
    blocks.push(...driftLines(validation));
    const drift = driftTable(validation, full);
    if (drift.rows.length) blocks.push({ kind: "table", ...drift });
    return blocks;
  };
  return {
    priority: 85,
    variants: [
      () => detailed(true),
      () => detailed(false),
      (budget, measure) => fittedTables(validation, checks, budget, measure),
    ],
  };
}
