import type { BaselineOrigin, OverallVerdict } from "@ctrain/core";
import { heading, joinInline, label, link, paragraph, strong, text, type Block, type Inline } from "../document.js";
import { formatAge, formatCount } from "../format.js";
import type { ReportContext } from "../input.js";
import type { Section } from "../fit.js";
import { VERDICT_ICON, VERDICT_WORDS } from "../verdict.js";
import { countFailures } from "./failures.js";

function baselineLine(origin: BaselineOrigin, context: ReportContext): Inline[] {
  if (origin.kind === "none") return [strong(label("No baseline")), label(": "), text(origin.description)];
  const parts: Inline[] = [strong(label("Baseline")), label(": "), text(origin.description)];
  const details: Inline[][] = [];
  if (origin.commit) details.push([label("commit "), text(origin.commit.slice(0, 12))]);
  const runUrl = context.trustedUrl(origin.runUrl);
  if (origin.runId !== undefined) {
    const runLabel = label(`run ${origin.runId}`);
    details.push([runUrl ? link(runUrl, runLabel) : runLabel]);
  } else if (runUrl) details.push([link(runUrl, label("run"))]);
  if (origin.createdAt) details.push([label(`${formatAge(new Date(origin.createdAt), context.now)} old`)]);
  if (origin.commitsBehind !== undefined) {
    details.push([
      label(
        origin.commitsBehind === 0
          ? "at the merge-base"
          : `${formatCount(origin.commitsBehind)} commit${origin.commitsBehind === 1 ? "" : "s"} behind the merge-base`,
      ),
    ]);
  }
  if (details.length) parts.push(label(" ("), ...joinInline(details, ", "), label(")"));
  return parts;
}

function candidateLine(context: ReportContext): Inline[] | undefined {
  const { run } = context.input;
  const source = run?.source ?? context.input.comparison?.source ?? context.input.validation?.source;
  if (!run && !source) return undefined;
  const parts: Inline[] = [strong(label("Candidate")), label(": ")];
  parts.push(run ? text(run.name) : label("this run"));
  if (source?.commit) parts.push(label(" at commit "), text(source.commit.slice(0, 12)));
  if (source?.branch) parts.push(label(" on "), text(source.branch));
  if (source?.pullRequest !== undefined) parts.push(label(` (pull request ${source.pullRequest})`));
  return parts;
}

/** A run the run cache restored says so, and which run trained it. */
function cachedLine(context: ReportContext): Inline[] | undefined {
  const cached = context.input.run?.cached;
  if (!cached) return undefined;
  const parts: Inline[] = [strong(label("Cached")), label(": training skipped, the results are those of ")];
  const runUrl = context.trustedUrl(cached.source.runUrl);
  const runLabel = label(cached.source.runId !== undefined ? `run ${cached.source.runId}` : "an earlier run");
  parts.push(runUrl ? link(runUrl, runLabel) : runLabel);
  if (cached.source.commit) parts.push(label(" at commit "), text(cached.source.commit.slice(0, 12)));
  parts.push(label(`, trained ${formatAge(new Date(cached.trainedAt), context.now)} ago`));
  return parts;
}

/** The verdict, what was compared with what, and how many items fail: the five-second read. Never shortened. */
export function headerSection(context: ReportContext, verdict: OverallVerdict): Section {
  const blocks: Block[] = [
    heading(
      2,
      label(`${VERDICT_ICON[verdict]} ctrain: ${VERDICT_WORDS[verdict]}`),
      ...(context.id === "ctrain" ? [] : [label(" · "), text(context.id)]),
    ),
  ];
  const candidate = candidateLine(context);
  if (candidate) blocks.push(paragraph(...candidate));
  const cached = cachedLine(context);
  if (cached) blocks.push(paragraph(...cached));
  const origin = context.input.comparison?.baseline;
  if (origin) {
    blocks.push(paragraph(...baselineLine(origin, context)));
    if (origin.notes.length) blocks.push({ kind: "list", items: origin.notes.map((note) => [text(note)]) });
  }
  const failures = countFailures(context.input);
  if (failures.length) blocks.push(paragraph(...joinInline(failures, " · ")));
  return { priority: 100, variants: [() => blocks] };
}
