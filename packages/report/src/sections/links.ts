import { joinInline, label, link, paragraph, type Inline } from "../document.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

/** Where to dig further: the workflow run (its summary and artifacts) and the artifact holding the full report. */
export function linksSection(context: ReportContext): Section | undefined {
  const parts: Inline[][] = [];
  if (context.runUrl) parts.push([link(context.runUrl, label("Workflow run and job summary"))]);
  if (context.artifact) {
    const url = context.trustedUrl(context.artifact.url);
    const name = label(`artifact ${context.artifact.name}`);
    parts.push([label("full report in the "), url ? link(url, name) : name]);
  }
  if (!parts.length) return undefined;
  return { priority: 95, variants: [() => [paragraph(...joinInline(parts, " · "))]] };
}
