import type { PairedExamples } from "@ctrain/core";
import type { PairedClassification, PairedRegression } from "@ctrain/metrics";

/** Examples kept per direction: the report shows the first ones by key; the counts cover every row. */
const EXAMPLES_KEPT = 20;

type Example = PairedExamples["worse"]["examples"][number];

function exampleOf(
  pairing: PairedClassification["pairing"],
  row: number,
  values: Pick<Example, "label" | "baseline" | "candidate">,
): Example {
  const slice = pairing.slice?.values[row];
  return {
    key: String(pairing.keys[row]),
    ...(slice === undefined || slice === null ? {} : { slice: String(slice) }),
    ...values,
  };
}

/**
 * What the paired test saw, row by row. Classification: rows right before and wrong now (McNemar's b) and wrong
 * before and right now (c), first by key. Regression: rows whose absolute error grew or shrank, largest change first.
 */
export function pairedExamples(paired: PairedClassification | PairedRegression): PairedExamples | undefined {
  const keyColumn = paired.pairing.keyColumn ? { key: paired.pairing.keyColumn } : {};
  if ("classes" in paired) {
    const { trueCodes } = paired.baseline;
    const before = paired.baseline.predCodes;
    const after = paired.candidate.predCodes;
    if (!before || !after) return undefined;
    const worse: Example[] = [];
    const better: Example[] = [];
    let worseCount = 0;
    let betterCount = 0;
    for (let row = 0; row < paired.rows; row++) {
      const wasRight = before[row] === trueCodes[row];
      const isRight = after[row] === trueCodes[row];
      if (wasRight === isRight) continue;
      const list = wasRight ? worse : better;
      if (wasRight) worseCount++;
      else betterCount++;
      if (list.length < EXAMPLES_KEPT) {
        list.push(
          exampleOf(paired.pairing, row, {
            label: paired.classes[trueCodes[row]!]!,
            baseline: paired.classes[before[row]!]!,
            candidate: paired.classes[after[row]!]!,
          }),
        );
      }
    }
    return {
      task: "classification",
      rows: paired.rows,
      ...keyColumn,
      worse: { count: worseCount, examples: worse },
      better: { count: betterCount, examples: better },
    };
  }
  const changes: { row: number; change: number }[] = [];
  for (let row = 0; row < paired.rows; row++) {
    const change =
      Math.abs(paired.candidate[row]! - paired.yTrue[row]!) - Math.abs(paired.baseline[row]! - paired.yTrue[row]!);
    if (change !== 0 && Number.isFinite(change)) changes.push({ row, change });
  }
  const largest = (sign: number): Example[] =>
    changes
      .filter(({ change }) => Math.sign(change) === sign)
      .sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
      .slice(0, EXAMPLES_KEPT)
      .map(({ row }) =>
        exampleOf(paired.pairing, row, {
          label: paired.yTrue[row]!,
          baseline: paired.baseline[row]!,
          candidate: paired.candidate[row]!,
        }),
      );
  return {
    task: "regression",
    rows: paired.rows,
    ...keyColumn,
    worse: { count: changes.filter(({ change }) => change > 0).length, examples: largest(1) },
    better: { count: changes.filter(({ change }) => change < 0).length, examples: largest(-1) },
  };
}
