import { heading, label, paragraph, text } from "../document.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

/** When a step could not do its work (a baseline that cannot be found...): what it was and why, so the report never reads as if it had. */
export function stepErrorSection(context: ReportContext): Section | undefined {
  const failure = context.input.stepError;
  if (!failure) return undefined;
  const blocks = [heading(2, label(`The ${failure.what} could not be made`)), paragraph(text(failure.message))];
  return { priority: 90, variants: [() => blocks] };
}
