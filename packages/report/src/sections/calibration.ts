import { labelCell, numberCell } from "../cells.js";
import { heading, label, paragraph, type Block, type Chart, type Inline } from "../document.js";
import type { Section } from "../fit.js";
import { formatCount, formatNumber } from "../format.js";
import type { ReportContext } from "../input.js";

/**
 * How far a binary classifier's probabilities can be taken at their word: the reliability curve (the share of
 * positives in each probability bin against the bin's mean probability, the diagonal being perfect), the expected
 * calibration error and the Brier score.
 */
export function calibrationSection(context: ReportContext): Section | undefined {
  const calibration = context.input.evaluation?.calibration;
  if (!calibration || calibration.curve.length === 0) return undefined;
  const metrics = context.input.run?.metrics ?? {};
  const brier = metrics.brier_score;
  const facts: Inline[] = [
    label(`Expected calibration error ${formatNumber(calibration.expectedCalibrationError)}`),
    ...(typeof brier === "number" ? [label(` · Brier score ${formatNumber(brier)}`)] : []),
    label(
      ` · ${calibration.bins} uniform bins of P(${String(calibration.positiveLabel)}), ${formatCount(calibration.curve.length)} with predictions`,
    ),
  ];
  const chart: Chart = {
    title: "Reliability",
    xLabel: "mean predicted probability",
    x: calibration.curve.map((bin) => formatNumber(bin.meanPredicted)),
    series: [
      { name: "observed share of positives", values: calibration.curve.map((bin) => bin.fractionPositive) },
      { name: "perfect calibration", values: calibration.curve.map((bin) => bin.meanPredicted) },
    ],
  };
  const table: Block = {
    kind: "table",
    head: ["bin", "rows", "mean predicted", "share positive"].map(labelCell),
    rows: calibration.curve.map((bin) => [
      labelCell(`${formatNumber(bin.low)}–${formatNumber(bin.high)}`),
      numberCell(bin.rows, formatCount),
      numberCell(bin.meanPredicted),
      numberCell(bin.fractionPositive),
    ]),
    align: ["left", "right", "right", "right"],
  };
  const blocks = (withChart: boolean): Block[] => [
    heading(3, label("Calibration")),
    paragraph(...facts),
    ...(withChart && calibration.curve.length >= 2 ? [{ kind: "chart" as const, chart }] : []),
    { kind: "details", summary: [label("Reliability bins")], blocks: [table] },
  ];
  const variants: Section["variants"] = [() => blocks(context.charts)];
  if (context.charts) variants.push(() => blocks(false));
  variants.push(
    () => [heading(3, label("Calibration")), paragraph(...facts)],
    () => [],
  );
  return { priority: 22, variants };
}
