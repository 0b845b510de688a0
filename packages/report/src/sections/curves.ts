import { labelCell, numberCell } from "../cells.js";
import { lineChart, thin } from "../chart.js";
import { heading, label, text, type Block } from "../document.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

/** Learning curves drawn in a comment; the rest are in the full report. */
const CURVES_IN_SHORT_FORM = 4;

/** The run's learning curves: a chart each, with its (thinned) points in a collapsed table. */
export function curvesSection(context: ReportContext): Section | undefined {
  const curves = context.input.run?.curves ?? [];
  if (!curves.length) return undefined;
  const blocksFor = (shown: typeof curves, withCharts: boolean): Block[] => [
    heading(3, label("Learning curves")),
    ...shown.flatMap((curve): Block[] => {
      const points = thin(curve.points);
      const chart = withCharts
        ? lineChart({
            title: curve.metric,
            xLabel: "step",
            points: points.map((point) => ({ x: String(point.step), y: point.value })),
          })
        : undefined;
      return [
        ...(chart ? [{ kind: "chart" as const, chart }] : []),
        {
          kind: "details",
          summary: [text(curve.metric), label(` (${curve.points.length} points)`)],
          blocks: [
            {
              kind: "table",
              head: [labelCell("step"), [text(curve.metric)]],
              align: ["right", "right"],
              rows: points.map((point) => [numberCell(point.step), numberCell(point.value)]),
            },
          ],
        },
      ];
    }),
  ];
  const variants: Section["variants"] = [() => blocksFor(curves, context.charts)];
  if (curves.length > CURVES_IN_SHORT_FORM)
    variants.push(() => blocksFor(curves.slice(0, CURVES_IN_SHORT_FORM), context.charts));
  if (context.charts) variants.push(() => blocksFor(curves.slice(0, CURVES_IN_SHORT_FORM), false));
  variants.push(() => []);
  return { priority: 25, variants };
}
