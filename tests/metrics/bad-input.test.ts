import { describe, expect, it } from "vitest";
import { isUserError } from "@ctrain/core";
import { bootstrapClassifierDelta, evaluateClassifier, evaluateRegressor, pairClassifiers } from "@ctrain/metrics";

function expectUserError(action: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(isUserError(thrown), String(thrown)).toBe(true);
  expect((thrown as Error).message).toMatch(message);
}

describe("bad predictions are user errors that say what to fix", () => {
  it.each([
    [
      "mismatched lengths",
      () => evaluateClassifier({ yTrue: [0, 1, 1], yPred: [0, 1] }),
      /mismatched lengths: y_true has 3 rows, y_pred has 2/,
    ],
    ["no rows", () => evaluateClassifier({ yTrue: [] }), /no prediction rows/],
    [
      "unknown label against declared classes",
      () => evaluateClassifier({ yTrue: [0, 1], yPred: [0, 2] }, { classes: [0, 1] }),
      /unknown label 2 in predictions: y_pred at row 2/,
    ],
    [
      "probabilities that do not sum to 1",
      () =>
        evaluateClassifier({
          yTrue: [0, 1],
          probabilities: {
            classLabels: [0, 1],
            matrix: [
              [0.5, 0.5],
              [0.3, 0.6],
            ],
          },
        }),
      /row 2 sum to 0.8999\d*, not 1 \(tolerance 0.000001 relative\)/,
    ],
    [
      "a negative probability",
      () =>
        evaluateClassifier({
          yTrue: [0, 1],
          probabilities: {
            classLabels: [0, 1],
            matrix: [
              [1.5, -0.5],
              [0.5, 0.5],
            ],
          },
        }),
      /probability 1.5 of class 0 at row 1/,
    ],
    [
      "a label without a probability column",
      () =>
        evaluateClassifier({
          yTrue: [0, 2],
          probabilities: {
            classLabels: [0, 1],
            matrix: [
              [0.5, 0.5],
              [0.5, 0.5],
            ],
          },
        }),
      /unknown label 2/,
    ],
    [
      "labels of mixed kinds",
      () => evaluateClassifier({ yTrue: [0, "1"], yPred: [0, 1] }),
      /labels mix number and string/,
    ],
    ["a NaN score", () => evaluateClassifier({ yTrue: [0, 1], score: [0.2, Number.NaN] }), /score is NaN at row 2/],
    [
      "a positive label that is not a class",
      () => evaluateClassifier({ yTrue: [0, 1], yPred: [0, 1] }, { positiveLabel: 2 }),
      /positive label 2 is not one of the classes/,
    ],
    [
      "a score column on a multiclass problem",
      () => evaluateClassifier({ yTrue: [0, 1, 2], score: [0.1, 0.2, 0.3] }),
      /single score column needs a binary problem/,
    ],
    [
      "a non-finite regression target",
      () => evaluateRegressor({ yTrue: [1, Number.POSITIVE_INFINITY], yPred: [1, 2] }),
      /y_true is Infinity at row 2/,
    ],
    [
      "paired predictions on different test sets",
      () => pairClassifiers({ yTrue: [0, 1, 1], yPred: [0, 1, 1] }, { yTrue: [0, 1, 0], yPred: [0, 1, 0] }),
      /not the same test set: y_true differs at row 3/,
    ],
    [
      "a bootstrap of a metric it does not know",
      () =>
        bootstrapClassifierDelta(
          pairClassifiers({ yTrue: [0, 1], yPred: [0, 1] }, { yTrue: [0, 1], yPred: [1, 1] }),
          "average_precision",
        ),
      /no paired test for metric "average_precision"/,
    ],
    [
      "a binary metric asked of a multiclass problem",
      () =>
        bootstrapClassifierDelta(
          pairClassifiers({ yTrue: [0, 1, 2], yPred: [0, 1, 2] }, { yTrue: [0, 1, 2], yPred: [0, 1, 1] }),
          "f1",
        ),
      /binary f1 of the positive class; this problem has 3 classes/,
    ],
  ] as const)("%s", (_name, action, message) => expectUserError(action, message));
});
