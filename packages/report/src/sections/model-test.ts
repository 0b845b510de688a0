import type { ModelTestDocument } from "@ctrain/core";
import { MODEL_TEST_FIGURE_LABELS } from "@ctrain/core";
import { labelCell } from "../cells.js";
import { heading, label, paragraph, text, type Block, type Cell, type Inline } from "../document.js";
import type { Section } from "../fit.js";
import { formatCount, formatNumber } from "../format.js";
import type { ReportContext } from "../input.js";

const FAILURES_SHOWN = 10;
const FAILURES_SHOWN_SHORT = 3;
const LOG_LINES = 20;

const unitOf = (figure: ModelTestDocument["figures"][number]): string => (figure.name.endsWith("-ms") ? "ms" : "MiB");

/** Whether the model loaded and served: its figures against their budgets, and each failure with its request line. */
export function modelTestSection(context: ReportContext): Section | undefined {
  const test = context.input.modelTest;
  if (!test) return undefined;
  const rows: Cell[][] = test.figures.map((figure) => [
    labelCell(MODEL_TEST_FIGURE_LABELS[figure.name]),
    labelCell(`${formatNumber(figure.value)} ${unitOf(figure)}`),
    labelCell(figure.budget === undefined ? "—" : `${formatNumber(figure.budget)} ${unitOf(figure)}`),
    labelCell(figure.budget === undefined ? "" : figure.passed ? "✅ within" : "❌ over"),
  ]);
  const summary: Inline[] = [
    label(`${test.passed ? "✅ passed" : "❌ failed"} · `),
    text(test.command),
    ...(test.image ? [label(" in "), text(test.image)] : []),
    label(` · ${formatCount(test.inputs.requests)} golden inputs from `),
    text(test.inputs.file),
    ...(test.contract
      ? [
          label(
            ` · ${formatCount(test.contract.checked - test.contract.failed)} of ${formatCount(test.contract.checked)} responses kept the contract`,
          ),
        ]
      : []),
    ...(test.latency
      ? [
          label(
            ` · latency over ${formatCount(test.latency.requests)} requests after ${formatCount(test.latency.warmUp)} warm-up`,
          ),
        ]
      : []),
  ];
  const render = (failuresShown: number, withLog: boolean): Block[] => {
    const blocks: Block[] = [heading(3, label("Model test")), paragraph(...summary)];
    if (rows.length) {
      blocks.push({
        kind: "table",
        head: ["figure", "value", "budget", ""].map(labelCell),
        rows,
        align: ["left", "right", "right", "left"],
      });
    }
    const failures = test.failures
      .slice(0, failuresShown)
      .map((failure): Inline[] => [
        ...(failure.location ? [text(failure.location), label(": ")] : []),
        ...(failure.field ? [text(failure.field), label(": ")] : []),
        text(failure.message),
      ]);
    if (failures.length) blocks.push({ kind: "list", items: failures });
    if (test.failures.length > failuresShown) {
      blocks.push(paragraph(label(`${formatCount(test.failures.length - failuresShown)} more in model-test.json.`)));
    }
    const loadFailed = test.failures.some((failure) => failure.kind === "load");
    if (withLog && loadFailed && test.logTail.length) {
      blocks.push(paragraph(label("The command's last lines:")), {
        kind: "code",
        lines: test.logTail.slice(-LOG_LINES),
      });
    }
    return blocks;
  };
  return {
    priority: test.passed ? 45 : 85,
    variants: [() => render(FAILURES_SHOWN, true), () => render(FAILURES_SHOWN_SHORT, false), () => []],
  };
}
