import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CompareConfig, UserError } from "@ctrain/core";
import { loadPredictionsFile } from "@ctrain/compare";
import {
  deLongTest,
  describePairing,
  mcnemarTest,
  pairClassifiers,
  pairRegressors,
  readClassifierPredictions,
  readRegressorPredictions,
  type Predictions,
} from "@ctrain/metrics";
import { closeTo, normalRandom, seededRandom } from "./generated-data.js";
import { runReference } from "./python-reference.js";
import { tempDir } from "../support/temp-dir.js";

const folder = tempDir("ctrain-pairing-");
let files = 0;

/** Writes a CSV of `rows` with the given columns (in that order) and returns its path. */
function csv(columns: readonly string[], rows: readonly Record<string, string | number>[]): string {
  const path = join(folder, `predictions-${++files}.csv`);
  const lines = rows.map((row) => columns.map((column) => row[column] ?? "").join(","));
  writeFileSync(path, [columns.join(","), ...lines].join("\n") + "\n");
  return path;
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function refusal(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error("expected a UserError");
}

interface ReferencePairing {
  paired: number;
  baseline_only: number;
  candidate_only: number;
  accuracy: [number, number];
  roc_auc: [number, number];
  b: number;
  c: number;
  mcnemar_p: number;
  mse: [number, number];
}

describe("pairing by a key column matches pandas' inner merge scored by scikit-learn and statsmodels", () => {
  const random = seededRandom(17);
  const gaussian = normalRandom(random);
  // One test set of 600 examples named by id; scores rounded so that ties occur.
  const examples = Array.from({ length: 600 }, (_, i) => {
    const y = random() < 0.4 ? 1 : 0;
    const scoreA = Math.round((1 / (1 + Math.exp(-(1.2 * (2 * y - 1) + gaussian())))) * 20) / 20;
    const scoreB = Math.round((1 / (1 + Math.exp(-(1.5 * (2 * y - 1) + gaussian())))) * 20) / 20;
    const target = 10 + 3 * gaussian();
    return {
      id: String(7 * i + 3),
      y_true: y,
      score_a: scoreA,
      score_b: scoreB,
      region: ["eu", "us", "apac"][i % 3]!,
      target,
      fit_a: target + gaussian(),
      fit_b: target + 0.8 * gaussian(),
    };
  });
  // The baseline missed the last 40 examples; the candidate dropped 25 and scored 30 the baseline never saw.
  const baselineRows = shuffled(examples.slice(0, 560), random).map((row) => ({
    id: row.id,
    y_true: row.y_true,
    y_pred: row.score_a > 0.5 ? 1 : 0,
    score: row.score_a,
  }));
  const candidateExamples = [...examples.slice(25, 600)];
  const candidateRows = shuffled(candidateExamples, random).map((row) => ({
    region: row.region,
    score: row.score_b,
    id: row.id,
    y_pred: row.score_b > 0.5 ? 1 : 0,
    y_true: row.y_true,
    note: "scored by the candidate",
  }));
  const baselineFile = csv(["id", "y_true", "y_pred", "score"], baselineRows);
  const candidateFile = csv(["region", "score", "id", "y_pred", "y_true", "note"], candidateRows);
  const regressionBaseline = csv(
    ["id", "y_true", "y_pred"],
    shuffled(examples.slice(0, 560), random).map((row) => ({ id: row.id, y_true: row.target, y_pred: row.fit_a })),
  );
  const regressionCandidate = csv(
    ["y_pred", "id", "region", "y_true"],
    shuffled(candidateExamples, random).map((row) => ({
      y_pred: row.fit_b,
      id: row.id,
      region: row.region,
      y_true: row.target,
    })),
  );
  const [classification, regression] = runReference<ReferencePairing[]>("metrics_pairing.py", [
    { task: "classification", key: "id", baseline: baselineFile, candidate: candidateFile },
    { task: "regression", key: "id", baseline: regressionBaseline, candidate: regressionCandidate },
  ]);

  it("pairs the rows both runs scored and counts the others", async () => {
    const paired = pairClassifiers(
      await readClassifierPredictions(baselineFile),
      await readClassifierPredictions(candidateFile, { columns: { slice: "region" } }),
    );
    expect(paired.rows).toBe(classification!.paired);
    expect(paired.pairing).toMatchObject({
      by: "key",
      keyColumn: "id",
      paired: classification!.paired,
      baselineOnly: classification!.baseline_only,
      candidateOnly: classification!.candidate_only,
    });
    // Each paired row keeps its key and its slice, as the test set says.
    const byId = new Map(examples.map((row) => [row.id, row]));
    expect(paired.pairing.keys).toHaveLength(paired.rows);
    paired.pairing.keys.forEach((key, i) => {
      expect(paired.pairing.slice!.values[i]).toBe(byId.get(String(key))!.region);
    });
  });

  it("gives exactly the accuracy, ROC AUC and McNemar counts of the merged rows", async () => {
    const paired = pairClassifiers(
      await readClassifierPredictions(baselineFile),
      await readClassifierPredictions(candidateFile),
    );
    const accuracy = (side: typeof paired.baseline): number =>
      side.trueCodes.filter((code, row) => code === side.predCodes![row]).length / side.rows;
    expect(closeTo(accuracy(paired.baseline), classification!.accuracy[0])).toBe(true);
    expect(closeTo(accuracy(paired.candidate), classification!.accuracy[1])).toBe(true);
    const auc = deLongTest(paired);
    expect(closeTo(auc.baseline, classification!.roc_auc[0])).toBe(true);
    expect(closeTo(auc.candidate, classification!.roc_auc[1])).toBe(true);
    const mcnemar = mcnemarTest(paired);
    expect(mcnemar.baselineOnlyCorrect).toBe(classification!.b);
    expect(mcnemar.candidateOnlyCorrect).toBe(classification!.c);
    expect(closeTo(mcnemar.pValue, classification!.mcnemar_p, 1e-10)).toBe(true);
  });

  it("says in a sentence how the rows were paired", () => {
    const pairing = { by: "key", keyColumn: "id", paired: 535, baselineOnly: 25, candidateOnly: 40, keys: [] } as const;
    expect(describePairing(pairing)).toBe(
      'rows paired by "id": 535 (left out: 25 scored only by the baseline, 40 only by the candidate)',
    );
    expect(describePairing({ ...pairing, baselineOnly: 0, candidateOnly: 0 })).toBe('rows paired by "id": 535');
    expect(describePairing({ ...pairing, by: "position", note: "why" })).toBe("why");
  });

  it("pairs exactly as the same rows aligned by position would", async () => {
    const keyed = pairClassifiers(
      await readClassifierPredictions(baselineFile),
      await readClassifierPredictions(candidateFile),
    );
    // The position-aligned equivalent: the common rows, in the pairing's order, without keys.
    const rowsOf = (rows: readonly { id: string; y_true: number; y_pred: number; score: number }[]): Predictions => {
      const byId = new Map(rows.map((row) => [row.id, row]));
      const picked = keyed.pairing.keys.map((key) => byId.get(String(key))!);
      return {
        yTrue: picked.map((row) => row.y_true),
        yPred: picked.map((row) => row.y_pred),
        score: picked.map((row) => row.score),
      };
    };
    const aligned = pairClassifiers(rowsOf(baselineRows), rowsOf(candidateRows));
    expect(aligned.pairing.by).toBe("position");
    for (const side of ["baseline", "candidate"] as const) {
      expect(keyed[side].trueCodes).toEqual(aligned[side].trueCodes);
      expect(keyed[side].predCodes).toEqual(aligned[side].predCodes);
      expect(keyed[side].positiveScore).toEqual(aligned[side].positiveScore);
    }
    expect(mcnemarTest(keyed)).toEqual(mcnemarTest(aligned));
    expect(deLongTest(keyed)).toEqual(deLongTest(aligned));
  });

  it("pairs regressors by key too", async () => {
    const paired = pairRegressors(
      await readRegressorPredictions(regressionBaseline),
      await readRegressorPredictions(regressionCandidate),
    );
    expect(paired.pairing).toMatchObject({
      paired: regression!.paired,
      baselineOnly: regression!.baseline_only,
      candidateOnly: regression!.candidate_only,
    });
    const mse = (predictions: Float64Array): number =>
      predictions.reduce((sum, value, row) => sum + (value - paired.yTrue[row]!) ** 2, 0) / paired.rows;
    expect(closeTo(mse(paired.baseline), regression!.mse[0], 1e-10)).toBe(true);
    expect(closeTo(mse(paired.candidate), regression!.mse[1], 1e-10)).toBe(true);
  });
});

describe("which column pairs the rows", () => {
  const config = (predictions: Record<string, unknown> = {}) => CompareConfig.parse({ predictions }).predictions;

  it("the declared key column, whatever other id column the files have", async () => {
    const baseline = csv(
      ["example", "id", "y_true", "y_pred"],
      [
        { example: "b", id: 1, y_true: 1, y_pred: 1 },
        { example: "a", id: 2, y_true: 0, y_pred: 1 },
      ],
    );
    const candidate = csv(
      ["example", "id", "y_true", "y_pred"],
      [
        { example: "a", id: 1, y_true: 0, y_pred: 0 },
        { example: "b", id: 2, y_true: 1, y_pred: 1 },
      ],
    );
    const load = async (path: string): Promise<Predictions> => {
      const loaded = await loadPredictionsFile(path, config({ key: "example" }));
      if (loaded.task !== "binary") throw new Error("expected a binary classifier");
      return loaded.predictions;
    };
    const paired = pairClassifiers(await load(baseline), await load(candidate));
    expect(paired.pairing).toMatchObject({ by: "key", keyColumn: "example", keys: ["a", "b"] });
    expect(mcnemarTest(paired)).toMatchObject({ baselineOnlyCorrect: 0, candidateOnlyCorrect: 1 });
  });

  it("position, with row numbers as keys, when neither file has a key column", () => {
    const paired = pairClassifiers({ yTrue: [0, 1, 1], yPred: [0, 1, 0] }, { yTrue: [0, 1, 1], yPred: [1, 1, 1] });
    expect(paired.pairing).toEqual({
      by: "position",
      paired: 3,
      baselineOnly: 0,
      candidateOnly: 0,
      keys: [1, 2, 3],
      slice: undefined,
      note: undefined,
    });
  });

  it("position, and a note saying why, when only one file has the key column", () => {
    const paired = pairClassifiers(
      { yTrue: [0, 1], yPred: [0, 1] },
      {
        yTrue: [0, 1],
        yPred: [1, 1],
        key: { column: "id", values: ["x", "y"] },
        slice: { column: "region", values: ["eu", "us"] },
      },
    );
    expect(paired.pairing).toMatchObject({
      by: "position",
      keys: [1, 2],
      slice: { column: "region", values: ["eu", "us"] },
      note: 'rows paired by position: the baseline has no key column "id"',
    });
  });
});

describe("rows that cannot be paired say why", () => {
  const header = ["id", "y_true", "y_pred"];
  const file = (...entries: [string | number, number, number][]): string =>
    csv(
      header,
      entries.map(([id, y, prediction]) => ({ id, y_true: y, y_pred: prediction })),
    );
  const candidateFile = file([4, 0, 0], [5, 1, 1], [6, 0, 1]);
  const read = (path: string) => readClassifierPredictions(path);

  it("a key that appears twice: the file, both lines and the value", async () => {
    const path = file([4, 0, 0], [5, 1, 1], [6, 0, 1], [5, 1, 0]);
    const [baseline, candidate] = [await read(path), await read(candidateFile)];
    const error = refusal(() => pairClassifiers(baseline, candidate));
    expect(error.message).toBe(
      `the key "5" of column "id" appears twice in the baseline's predictions: at ${path} line 3 and ${path} line 5`,
    );
    expect(error.location).toBe(`${path}:5`);
  });

  it("an empty key: the file and the line", async () => {
    const path = file([4, 0, 0], ["", 1, 1], [6, 0, 1]);
    const [baseline, candidate] = [await read(candidateFile), await read(path)];
    const error = refusal(() => pairClassifiers(baseline, candidate));
    expect(error.message).toBe(`the key column "id" is empty at ${path} line 3`);
    expect(error.location).toBe(`${path}:3`);
  });

  it("another y_true under the same key: the two runs did not score the same data", async () => {
    const path = file([6, 1, 1], [4, 0, 0], [5, 1, 1]);
    const [baseline, candidate] = [await read(path), await read(candidateFile)];
    const error = refusal(() => pairClassifiers(baseline, candidate));
    expect(error.message).toBe(
      `not the same test set: y_true of the row keyed "6" differs (1 vs 0, at ${path} line 2 and ${candidateFile} line 4)`,
    );
    expect(error.hint).toMatch(/scored different data under the same keys/);
  });

  it("no key in common", async () => {
    const [baseline, candidate] = [await read(file([1, 0, 0], [2, 1, 1])), await read(candidateFile)];
    expect(refusal(() => pairClassifiers(baseline, candidate)).message).toBe(
      `not the same test set: no "id" value of the baseline's 2 rows is among the candidate's 3`,
    );
  });

  it("different row counts and no key column to pair them by", () => {
    const error = refusal(() =>
      pairClassifiers({ yTrue: [0, 1], yPred: [0, 1] }, { yTrue: [0, 1, 1], yPred: [0, 1, 1] }),
    );
    expect(error.message).toBe(
      "not the same test set: the baseline has 2 rows, the candidate 3, and neither has a key column to pair them by",
    );
  });

  it("regressors: another y_true under the same key", () => {
    const error = refusal(() =>
      pairRegressors(
        { yTrue: [1.5, 2.5], yPred: [1, 2], key: { column: "id", values: ["a", "b"] } },
        { yTrue: [2.5, 1.25], yPred: [2, 1], key: { column: "id", values: ["b", "a"] } },
      ),
    );
    expect(error.message).toBe(
      'not the same test set: y_true of the row keyed "a" differs (1.5 vs 1.25, at baseline predictions row 1 and candidate predictions row 2)',
    );
  });
});

describe("pairing by key does not depend on row order", () => {
  const example = fc.record({
    y: fc.integer({ min: 0, max: 1 }),
    a: fc.integer({ min: 0, max: 8 }).map((k) => k / 8),
    b: fc.integer({ min: 0, max: 8 }).map((k) => k / 8),
  });
  const testSet = fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 40 })
    .chain((keys) =>
      fc.tuple(
        fc.constant(keys),
        fc.array(example, { minLength: keys.length, maxLength: keys.length }),
        fc.array(fc.double({ noNaN: true }), { minLength: keys.length, maxLength: keys.length }),
        fc.array(fc.double({ noNaN: true }), { minLength: keys.length, maxLength: keys.length }),
      ),
    );
  /** The rows in the order of `sortBy`, as a classifier's predictions keyed by `keys`. */
  function side(keys: string[], rows: { y: number; a: number; b: number }[], model: "a" | "b", sortBy?: number[]) {
    const order = keys.map((_, row) => row);
    if (sortBy) order.sort((i, j) => sortBy[i]! - sortBy[j]! || i - j);
    return {
      yTrue: order.map((row) => rows[row]!.y),
      score: order.map((row) => rows[row]![model]),
      yPred: order.map((row) => (rows[row]![model] > 0.5 ? 1 : 0)),
      key: { column: "id", values: order.map((row) => keys[row]!) },
    };
  }

  it("classifiers: any permutation of either file pairs identically", () => {
    fc.assert(
      fc.property(testSet, ([keys, rows, baselineOrder, candidateOrder]) => {
        const reference = pairClassifiers(side(keys, rows, "a"), side(keys, rows, "b"));
        const permuted = pairClassifiers(side(keys, rows, "a", baselineOrder), side(keys, rows, "b", candidateOrder));
        expect(permuted).toEqual(reference);
      }),
    );
  });

  it("regressors: any permutation of either file pairs identically", () => {
    fc.assert(
      fc.property(testSet, ([keys, rows, baselineOrder, candidateOrder]) => {
        const regressor = (model: "a" | "b", sortBy?: number[]) => {
          const { yTrue, score, key } = side(keys, rows, model, sortBy);
          return { yTrue: yTrue.map((y, row) => y + key.values[row]!.length), yPred: score, key };
        };
        expect(pairRegressors(regressor("a", baselineOrder), regressor("b", candidateOrder))).toEqual(
          pairRegressors(regressor("a"), regressor("b")),
        );
      }),
    );
  });
});
