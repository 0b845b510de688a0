import type { RunDocument } from "@ctrain/core";
import { labelCell, numberCell, percentChangeCell } from "../cells.js";
import { heading, label, paragraph, text, type Block, type Cell } from "../document.js";
import { formatBytes, formatDuration } from "@ctrain/core";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

type Resources = NonNullable<RunDocument["resources"]>;

const MEASURES: {
  name: string;
  read: (resources: Resources) => number | undefined;
  format: (value: number) => string;
}[] = [
  { name: "wall time", read: (r) => r.wallSeconds, format: formatDuration },
  { name: "CPU time", read: (r) => r.cpuSeconds, format: formatDuration },
  { name: "peak memory", read: (r) => r.peakRssBytes, format: formatBytes },
  { name: "peak GPU memory", read: (r) => r.gpu?.peakMemoryBytes, format: formatBytes },
];

/** Training time and memory against the baseline's run, so a PR that doubles the cost shows it. */
export function resourcesSection(context: ReportContext, baselineRun: RunDocument | undefined): Section | undefined {
  const candidate = context.input.run?.resources;
  if (!candidate) return undefined;
  const baseline = baselineRun?.resources;
  const rows: Cell[][] = [];
  for (const measure of MEASURES) {
    const now = measure.read(candidate);
    const before = baseline && measure.read(baseline);
    if (now === undefined) continue;
    rows.push([
      labelCell(measure.name),
      numberCell(before, measure.format),
      labelCell(measure.format(now)),
      percentChangeCell(before ? (now - before) / before : undefined),
    ]);
  }
  const blocks: Block[] = [
    heading(3, label("Training resources")),
    {
      kind: "table",
      head: ["resource", "baseline", "candidate", "change"].map(labelCell),
      rows,
      align: ["left", "right", "right", "right"],
    },
  ];
  if (candidate.gpu) blocks.push(paragraph(label("GPU: "), text(candidate.gpu.name)));
  return { priority: 40, variants: [() => blocks, () => []] };
}
