import { heading, label, paragraph, type Block } from "../document.js";
import { formatDuration } from "@ctrain/core";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

const LOG_LINES = 30;
const LOG_LINES_SHORT = 5;

/** When training did not succeed: how it ended and the end of its log. */
export function runFailureSection(context: ReportContext): Section | undefined {
  const run = context.input.run;
  if (!run || run.status === "succeeded") return undefined;
  const how = [
    `Training ${run.status}`,
    run.exitCode !== undefined && run.exitCode !== null ? ` with exit code ${run.exitCode}` : "",
    run.signal ? ` (signal ${run.signal})` : "",
    run.resources ? ` after ${formatDuration(run.resources.wallSeconds)}` : "",
    ".",
  ].join("");
  const withLog = (lines: number): Block[] => {
    const tail = run.logTail.slice(-lines);
    return [
      heading(3, label("Training")),
      paragraph(label(how + (tail.length ? ` The last ${tail.length} lines of its log:` : ""))),
      ...(tail.length ? [{ kind: "code" as const, lines: tail }] : []),
    ];
  };
  return { priority: 80, variants: [() => withLog(LOG_LINES), () => withLog(LOG_LINES_SHORT), () => withLog(0)] };
}
