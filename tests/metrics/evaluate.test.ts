import { describe, expect, it } from "vitest";
import { isUserError } from "@ctrain/core";
import { evaluateClassifier, evaluateRegressor, type Label, type Predictions } from "@ctrain/metrics";
import { runReference } from "./python-reference.js";
import { argmax, closeTo, normalRandom, probabilityRow, seededRandom } from "./generated-data.js";

interface ClassificationCase {
  name: string;
  predictions: Predictions;
  classes?: Label[];
  positiveLabel?: Label;
}

type ReferenceResult = Record<string, number | { error: string } | number[][] | Record<string, number>[] | null>;

function classificationCases(): ClassificationCase[] {
  const random = seededRandom(7);
  const cases: ClassificationCase[] = [];

  // Binary 0/1, scores rounded to one decimal: many ties.
  const yTrue = Array.from({ length: 300 }, () => (random() < 0.4 ? 1 : 0));
  const score = yTrue.map((y) => Math.round((0.3 * y + 0.7 * random()) * 10) / 10);
  cases.push({
    name: "binary with tied scores",
    predictions: { yTrue, score, yPred: score.map((s) => (s >= 0.5 ? 1 : 0)) },
  });

  // String labels with a probability matrix; the positive label is explicit.
  const words = Array.from({ length: 250 }, () => (random() < 0.5 ? "yes" : "no"));
  const wordRows = words.map((w) => probabilityRow(random, 2, w === "yes" ? 1 : 0, 0.4));
  cases.push({
    name: "binary string labels with probabilities",
    predictions: {
      yTrue: words,
      yPred: wordRows.map((r) => (r[1]! > r[0]! ? "yes" : "no")),
      probabilities: { classLabels: ["no", "yes"], matrix: wordRows },
    },
    positiveLabel: "yes",
  });

  // Zero division: the positive class is never predicted.
  cases.push({
    name: "positive class never predicted",
    predictions: { yTrue: [0, 1, 1, 0, 1, 0], yPred: [0, 0, 0, 0, 0, 0], score: [0.1, 0.2, 0.3, 0.3, 0.9, 0.05] },
  });

  // Multiclass with numeric labels and a probability matrix in a non-sorted column order.
  const three = Array.from({ length: 400 }, () => Math.floor(random() * 3));
  const threeRows = three.map((y) => probabilityRow(random, 3, y, 0.5));
  const columnOrder = [2, 0, 1];
  cases.push({
    name: "multiclass numbers",
    predictions: {
      yTrue: three,
      yPred: threeRows.map((r) => (random() < 0.1 ? Math.floor(random() * 3) : argmax(r))),
      probabilities: { classLabels: columnOrder, matrix: threeRows.map((r) => columnOrder.map((k) => r[k]!)) },
    },
  });

  // Multiclass strings, one declared class that never occurs (zero division lowers the macro average).
  const animals = ["ant", "bird", "cat", "dog"];
  const truth = Array.from({ length: 120 }, () => animals[Math.floor(random() * 3)]!);
  cases.push({
    name: "multiclass strings with a declared absent class",
    predictions: { yTrue: truth, yPred: truth.map((a) => (random() < 0.3 ? animals[Math.floor(random() * 3)]! : a)) },
    classes: ["ant", "bird", "cat", "dog", "eel"],
  });

  // Probabilities only: y_pred comes from their argmax.
  const four = Array.from({ length: 200 }, () => Math.floor(random() * 4));
  cases.push({
    name: "probabilities without y_pred",
    predictions: {
      yTrue: four,
      probabilities: { classLabels: [0, 1, 2, 3], matrix: four.map((y) => probabilityRow(random, 4, y, 0.3)) },
    },
  });

  // Scores that are decision values (outside [0, 1]): ROC AUC yes, log loss no.
  const margins = yTrue.map((y) => 2 * y + 3 * normalRandom(random)());
  cases.push({ name: "decision values", predictions: { yTrue, score: margins } });

  cases.push({ name: "golden AUC 0.75", predictions: { yTrue: [0, 0, 1, 1], score: [0.1, 0.4, 0.35, 0.8] } });
  cases.push({ name: "golden AUC 0.875", predictions: { yTrue: [0, 0, 1, 1], score: [0.2, 0.5, 0.5, 0.9] } });
  cases.push({ name: "all scores tied", predictions: { yTrue: [0, 1, 0, 1, 1], score: [0.3, 0.3, 0.3, 0.3, 0.3] } });
  return cases;
}

function referenceCase(c: ClassificationCase, positiveLabel: Label | undefined): Record<string, unknown> {
  const p = c.predictions;
  return {
    kind: "classification",
    y_true: p.yTrue,
    y_pred:
      p.yPred ??
      (p.probabilities
        ? p.probabilities.matrix.map((row) => p.probabilities!.classLabels[argmax(Array.from(row))])
        : undefined),
    score: p.score ? Array.from(p.score) : undefined,
    proba: p.probabilities && {
      labels: p.probabilities.classLabels,
      matrix: p.probabilities.matrix.map((row) => Array.from(row)),
    },
    classes: c.classes,
    pos_label: positiveLabel,
  };
}

describe("classifier metrics match scikit-learn", () => {
  const cases = classificationCases();
  const ours = cases.map((c) =>
    evaluateClassifier(c.predictions, { classes: c.classes, positiveLabel: c.positiveLabel }),
  );
  const reference = runReference<ReferenceResult[]>(
    "metrics_sklearn.py",
    cases.map((c, i) => referenceCase(c, ours[i]!.positiveLabel)),
  );

  cases.forEach((c, i) => {
    it(c.name, () => {
      const expected = reference[i]!;
      const actual = ours[i]!;
      const scalarKeys = Object.keys(expected).filter((key) => typeof expected[key] === "number");
      expect(scalarKeys.length).toBeGreaterThan(1);
      for (const key of scalarKeys) {
        const value = actual.metrics[key];
        expect(value, key).toBeDefined();
        expect(closeTo(value!, expected[key] as number), `${key}: ${value} vs ${String(expected[key])}`).toBe(true);
      }
      for (const key of Object.keys(actual.metrics))
        expect(expected[key], `sklearn also computes ${key}`).toBeDefined();
      if (expected.confusion_matrix) {
        expect(actual.confusionMatrix?.counts).toEqual(expected.confusion_matrix);
        const perClass = expected.per_class as Record<string, number>[];
        actual.perClass!.forEach((row, k) => {
          for (const key of ["precision", "recall", "f1", "support"] as const)
            expect(closeTo(row[key], perClass[k]![key]!)).toBe(true);
        });
      }
    });
  });

  it("golden vectors of statistics.md", () => {
    expect(evaluateClassifier({ yTrue: [0, 0, 1, 1], score: [0.1, 0.4, 0.35, 0.8] }).metrics.roc_auc).toBe(0.75);
    expect(evaluateClassifier({ yTrue: [0, 0, 1, 1], score: [0.2, 0.5, 0.5, 0.9] }).metrics.roc_auc).toBe(0.875);
    const multi = evaluateClassifier({ yTrue: [0, 1, 2, 0, 1, 2], yPred: [0, 2, 1, 0, 0, 1] }).metrics;
    expect(multi.f1_macro).toBeCloseTo(0.2667, 4);
    expect(multi.f1_micro).toBeCloseTo(0.3333, 4);
    expect(multi.f1_weighted).toBeCloseTo(0.2667, 4);
    expect(multi.precision_macro).toBeCloseTo(0.2222, 4);
    expect(evaluateClassifier({ yTrue: [1, 0], score: [0, 0] }).metrics.log_loss).toBeCloseTo(18.0218, 4);
    const regression = evaluateRegressor({ yTrue: [3, -0.5, 2, 7], yPred: [2.5, 0, 2, 8] }).metrics;
    expect(regression.mse).toBeCloseTo(0.375, 12);
    expect(regression.rmse).toBeCloseTo(0.612372, 6);
    expect(regression.mae).toBeCloseTo(0.5, 12);
    expect(regression.r2).toBeCloseTo(0.948608, 6);
  });

  it("single-class y_true makes ROC AUC a user error, as scikit-learn refuses it", () => {
    const predictions = { yTrue: [1, 1, 1], score: [0.2, 0.4, 0.9] };
    const [expected] = runReference<ReferenceResult[]>("metrics_sklearn.py", [
      { kind: "classification", y_true: [1, 1, 1], score: [0.2, 0.4, 0.9], pos_label: 1 },
    ]);
    expect(expected!.roc_auc).toHaveProperty("error");
    expect(() => evaluateClassifier(predictions)).toThrowError(/ROC AUC is undefined: y_true holds only positive rows/);
    try {
      evaluateClassifier(predictions);
    } catch (error) {
      expect(isUserError(error)).toBe(true);
    }
  });
});

describe("regression metrics match scikit-learn", () => {
  const random = seededRandom(11);
  const gaussian = normalRandom(random);
  const noisy = Array.from({ length: 500 }, () => 100 + 20 * gaussian());
  const cases: { name: string; yTrue: number[]; yPred: number[] }[] = [
    { name: "noisy fit", yTrue: noisy, yPred: noisy.map((y) => y + 5 * gaussian()) },
    { name: "worse than the mean (negative R2)", yTrue: noisy.slice(0, 50), yPred: noisy.slice(50, 100) },
    { name: "constant y_true, perfect", yTrue: [3, 3, 3, 3], yPred: [3, 3, 3, 3] },
    { name: "constant y_true, imperfect", yTrue: [3, 3, 3, 3], yPred: [3, 2, 3, 4] },
  ];
  const reference = runReference<ReferenceResult[]>(
    "metrics_sklearn.py",
    cases.map((c) => ({ kind: "regression", y_true: c.yTrue, y_pred: c.yPred })),
  );
  cases.forEach((c, i) => {
    it(c.name, () => {
      const actual = evaluateRegressor({ yTrue: c.yTrue, yPred: c.yPred }).metrics;
      for (const key of [
        "example_count",
        "mse",
        "rmse",
        "mae",
        "r2",
        "mape",
        "median_absolute_error",
        "explained_variance",
      ]) {
        expect(
          closeTo(actual[key]!, reference[i]![key] as number),
          `${key}: ${actual[key]} vs ${String(reference[i]![key])}`,
        ).toBe(true);
      }
    });
  });

  it("R2 of a single row is NaN", () => {
    expect(evaluateRegressor({ yTrue: [1], yPred: [2] }).metrics.r2).toBeNaN();
  });
});

describe("scores that are not probabilities", () => {
  it("say so with the row, instead of dropping log loss in silence", () => {
    const evaluation = evaluateClassifier({
      yTrue: [0, 1, 0, 1],
      yPred: [0, 1, 1, 1],
      score: [-0.4, 2.3, 0.1, 0.8],
      source: "preds.csv",
    });
    expect(evaluation.metrics.log_loss).toBeUndefined();
    expect(evaluation.metrics.roc_auc).toBe(1);
    expect(evaluation.notes.join("\n")).toContain(
      "preds.csv: row 1 has the score -0.4, outside [0, 1]: the scores are not probabilities",
    );
    const probabilities = evaluateClassifier({ yTrue: [0, 1], yPred: [0, 1], score: [0.2, 0.9] });
    expect(probabilities.notes.join("\n")).not.toContain("outside [0, 1]");
  });
});
