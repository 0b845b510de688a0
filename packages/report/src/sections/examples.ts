import type { PairedExamples } from "@ctrain/core";
import { labelCell, valueCell } from "../cells.js";
import { heading, label, paragraph, text, type Block, type Cell } from "../document.js";
import { formatCount } from "../format.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

/** Examples shown per direction in the comment; the full report shows every kept one. */
const EXAMPLES_IN_COMMENT = 5;

function exampleTable(
  examples: PairedExamples,
  list: PairedExamples["worse"]["examples"],
  limit: number,
): Block | undefined {
  if (!list.length) return undefined;
  const withSlice = list.some((example) => example.slice !== undefined);
  const head = [examples.key ?? "row", ...(withSlice ? ["slice"] : []), "label", "baseline", "candidate"];
  const rows = list
    .slice(0, limit)
    .map((example): Cell[] => [
      [text(example.key)],
      ...(withSlice ? [example.slice === undefined ? labelCell("—") : [text(example.slice)]] : []),
      valueCell(example.label),
      valueCell(example.baseline),
      valueCell(example.candidate),
    ]);
  return { kind: "table", head: head.map((name) => [text(name)]), rows };
}

function countsLine(examples: PairedExamples): Block {
  const paired = `${formatCount(examples.rows)} paired rows`;
  if (examples.task === "classification") {
    return paragraph(
      label(
        `Of ${paired}, ${formatCount(examples.worse.count)} went from right to wrong and ${formatCount(examples.better.count)} from wrong to right (McNemar's b and c).`,
      ),
    );
  }
  return paragraph(
    label(
      `Of ${paired}, the absolute error grew on ${formatCount(examples.worse.count)} and shrank on ${formatCount(examples.better.count)}; largest changes first.`,
    ),
  );
}

function variant(examples: PairedExamples, limit: number): Block[] {
  const classification = examples.task === "classification";
  const blocks: Block[] = [heading(3, label("Examples that changed")), countsLine(examples)];
  const worse = exampleTable(examples, examples.worse.examples, limit);
  const better = exampleTable(examples, examples.better.examples, limit);
  if (worse) blocks.push(paragraph(label(classification ? "Right → wrong:" : "Error grew:")), worse);
  if (better) blocks.push(paragraph(label(classification ? "Wrong → right:" : "Error shrank:")), better);
  return blocks;
}

/** The rows behind the paired test, as LLM-evaluation gates show their regressed cases. */
export function examplesSection(context: ReportContext): Section | undefined {
  const examples = context.input.comparison?.examples;
  if (!examples || examples.worse.count + examples.better.count === 0) return undefined;
  return {
    priority: 45,
    variants: [
      () => variant(examples, Number.MAX_SAFE_INTEGER),
      () => variant(examples, EXAMPLES_IN_COMMENT),
      () => [heading(3, label("Examples that changed")), countsLine(examples)],
      () => [],
    ],
  };
}
