import type { ComparisonDocument } from "@ctrain/core";
import { classScores, type ClassScores } from "@ctrain/metrics";
import { labelCell, numberCell, signedCell } from "../cells.js";
import { label, paragraph, text, type Block, type Cell } from "../document.js";
import { formatCount, formatSigned } from "../format.js";
import type { Section } from "../fit.js";
import type { ReportContext } from "../input.js";

type Classification = NonNullable<ComparisonDocument["classification"]>;

/** Beyond this many classes a confusion matrix is no longer readable as a table. */
const MATRIX_CLASSES_MAX = 12;
/** Classes kept in the shortened per-class table: those whose F1 moved most. */
const CLASSES_SHORT_LIST = 10;

function isSquare(matrix: number[][] | undefined, size: number): matrix is number[][] {
  return matrix !== undefined && matrix.length === size && matrix.every((row) => row.length === size);
}

function scoresOf(matrix: number[][]): ClassScores[] {
  return classScores({ size: matrix.length, counts: Float64Array.from(matrix.flat()) });
}

interface ClassRow {
  label: string;
  candidate: ClassScores;
  f1Change?: number;
}

function perClassTable(rows: ClassRow[], withBaseline: boolean): Block {
  const head = ["class", "precision", "recall", "F1", "support", ...(withBaseline ? ["F1 change"] : [])].map(labelCell);
  return {
    kind: "table",
    head,
    align: ["left", "right", "right", "right", "right", "right"],
    rows: rows.map((row) => [
      [text(row.label)],
      numberCell(row.candidate.precision),
      numberCell(row.candidate.recall),
      numberCell(row.candidate.f1),
      labelCell(formatCount(row.candidate.support)),
      ...(withBaseline ? [signedCell(row.f1Change)] : []),
    ]),
  };
}

/** Candidate counts, each with its change from the baseline: rows are true classes, columns predicted ones. */
function matrixTable(classification: Classification): Block {
  const { labels, candidate, baseline } = classification;
  const cell = (t: number, p: number): Cell => {
    const count = candidate[t]![p]!;
    const change = baseline ? count - baseline[t]![p]! : 0;
    return labelCell(change ? `${formatCount(count)} (${formatSigned(change)})` : formatCount(count));
  };
  return {
    kind: "table",
    head: [labelCell("true ↓ / predicted →"), ...labels.map((name) => [text(name)])],
    align: ["left", ...labels.map((): "right" => "right")],
    rows: labels.map((name, t) => [[text(name)], ...labels.map((_, p) => cell(t, p))]),
  };
}

/** Per-class precision, recall and F1 and the confusion matrix's change, in collapsed sections. */
export function classificationSection(context: ReportContext): Section | undefined {
  const classification = context.input.comparison?.classification;
  if (!classification) return undefined;
  const size = classification.labels.length;
  if (size === 0 || !isSquare(classification.candidate, size)) return undefined;
  const baseline = isSquare(classification.baseline, size) ? classification.baseline : undefined;
  const candidateScores = scoresOf(classification.candidate);
  const baselineScores = baseline && scoresOf(baseline);
  const rows: ClassRow[] = classification.labels.map((name, index) => ({
    label: name,
    candidate: candidateScores[index]!,
    f1Change: baselineScores && candidateScores[index]!.f1 - baselineScores[index]!.f1,
  }));
  const perClass = (shown: ClassRow[], note?: string): Block => ({
    kind: "details",
    summary: [label(`Per-class metrics (${formatCount(size)} classes)`)],
    blocks: [perClassTable(shown, baseline !== undefined), ...(note ? [paragraph(label(note))] : [])],
  });
  const matrix: Block[] =
    size <= MATRIX_CLASSES_MAX
      ? [
          {
            kind: "details",
            summary: [label(baseline ? "Confusion matrix and its change from the baseline" : "Confusion matrix")],
            blocks: [matrixTable({ ...classification, baseline })],
          },
        ]
      : [];
  // With a baseline, the classes whose F1 moved most; without, the weakest ones.
  const concern = (row: ClassRow): number =>
    row.f1Change === undefined ? 1 - row.candidate.f1 : Math.abs(row.f1Change);
  const mostChanged = [...rows].sort((a, b) => concern(b) - concern(a)).slice(0, CLASSES_SHORT_LIST);
  const variants: Section["variants"] = [() => [perClass(rows), ...matrix]];
  if (matrix.length) variants.push(() => [perClass(rows)]);
  if (size > CLASSES_SHORT_LIST) {
    const which = baseline ? "whose F1 changed most" : "with the lowest F1";
    variants.push(() => [
      perClass(mostChanged, `The ${CLASSES_SHORT_LIST} classes ${which}; all are in the full report.`),
    ]);
  }
  variants.push(() => []);
  return { priority: 20, variants };
}
