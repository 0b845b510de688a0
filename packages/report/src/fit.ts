import type { Block, Cell } from "./document.js";
import { paragraph, label } from "./document.js";
import { markdownBlocks, markdownTableRow } from "./markdown.js";

/** How a surface counts size: characters for a comment, UTF-8 bytes for a job summary. */
export type Measure = (markdown: string) => number;
export const countChars: Measure = (markdown) => markdown.length;
export const countBytes: Measure = (markdown) => Buffer.byteLength(markdown, "utf8");

/**
 * One part of the report, in forms from the fullest to the briefest. Only the briefest is given a real budget (the
 * room left once everything is as short as it gets) and must then stay within it; the others are measured whole.
 */
export interface Section {
  /** Higher is kept longer: the verdict and the failing items outlast detail. */
  priority: number;
  variants: ((budget: number, measure: Measure) => Block[])[];
}

const SEPARATOR = "\n\n";

/** Each section's forms rendered in full, kept across the surfaces one report is fitted to. */
export type RenderCache = Map<Section, Map<number, string>>;

/**
 * Renders sections into at most `limit` units: while too long, the least important section that can get shorter
 * does; when all are at their briefest, they share what is left, most important first, and what still does not fit
 * is left out. `shortened` says whether the reader is missing anything.
 */
export function fitSections(
  sections: Section[],
  limit: number,
  measure: Measure,
  cache: RenderCache = new Map(),
): { markdown: string; shortened: boolean } {
  const level = sections.map(() => 0);
  const render = (index: number): string => {
    const section = sections[index]!;
    const rendered = cache.get(section) ?? new Map<number, string>();
    cache.set(section, rendered);
    let markdown = rendered.get(level[index]!);
    if (markdown === undefined) {
      markdown = markdownBlocks(section.variants[level[index]!]!(Infinity, measure));
      rendered.set(level[index]!, markdown);
    }
    return markdown;
  };
  let shortened = false;
  for (;;) {
    const markdown = joinParts(sections.map((_, index) => render(index)));
    if (measure(markdown) <= limit) return { markdown, shortened };
    const next = leastImportantShortenable(sections, level);
    if (next === undefined) break;
    level[next]!++;
    shortened = true;
  }
  const parts = sections.map(() => "");
  let remaining = limit;
  const separator = measure(SEPARATOR);
  const byImportance = sections.map((_, index) => index).sort((a, b) => sections[b]!.priority - sections[a]!.priority);
  for (const index of byImportance) {
    const section = sections[index]!;
    const budget = remaining - separator;
    const markdown = markdownBlocks(section.variants[section.variants.length - 1]!(budget, measure));
    if (markdown && measure(markdown) <= budget) {
      parts[index] = markdown;
      remaining -= measure(markdown) + separator;
    }
  }
  return { markdown: joinParts(parts), shortened: true };
}

function leastImportantShortenable(sections: Section[], level: number[]): number | undefined {
  let chosen: number | undefined;
  sections.forEach((section, index) => {
    if (level[index]! >= section.variants.length - 1) return;
    if (chosen === undefined || section.priority <= sections[chosen]!.priority) chosen = index;
  });
  return chosen;
}

function joinParts(parts: string[]): string {
  return parts.filter(Boolean).join(SEPARATOR);
}

/**
 * A table cut to the rows that fit in `budget`, followed by a line counting the rows left out. With an infinite
 * budget every row is kept.
 */
export function tableWithin(
  table: { head: Cell[]; rows: Cell[][]; align?: ("left" | "right")[] },
  budget: number,
  measure: Measure,
  leftOut: (count: number) => string,
): Block[] {
  if (table.rows.length === 0) return [];
  const full: Block = { kind: "table", ...table };
  if (budget === Infinity) return [full];
  const note = (count: number): Block => paragraph(label(leftOut(count)));
  // Room for the header, the delimiter row and the note, which is never longer than with every row left out.
  let used =
    measure(markdownBlocks([{ kind: "table", ...table, rows: [] }])) +
    measure(SEPARATOR + markdownBlocks([note(table.rows.length)]));
  let kept = 0;
  for (const row of table.rows) {
    const size = measure(markdownTableRow(row)) + 1;
    if (used + size > budget) break;
    used += size;
    kept++;
  }
  if (kept === table.rows.length) return [full];
  if (kept === 0) return measure(markdownBlocks([note(table.rows.length)])) <= budget ? [note(table.rows.length)] : [];
  return [{ kind: "table", ...table, rows: table.rows.slice(0, kept) }, note(table.rows.length - kept)];
}
