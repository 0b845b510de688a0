import { labelCell, valueCell } from "../cells.js";
import { heading, label, paragraph, text } from "../document.js";
import { formatCount } from "../format.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

/** Params that differ from the baseline's; without a comparison there is nothing to say about them. */
export function paramsSection(context: ReportContext): Section | undefined {
  const changed = (context.input.comparison?.rows ?? []).filter((row) => row.kind === "param" && row.changed);
  if (!changed.length) return undefined;
  const title = heading(3, label("Changed params"));
  const table = {
    head: ["param", "baseline", "candidate"].map(labelCell),
    rows: changed.map((row) => [[text(row.name)], valueCell(row.baseline), valueCell(row.candidate)]),
  };
  return {
    priority: 50,
    variants: [
      () => [title, { kind: "table", ...table }],
      () => [paragraph(label(`${formatCount(changed.length)} params changed; they are listed in the full report.`))],
    ],
  };
}
