/**
 * Label-based classification metrics, computed from the confusion matrix exactly as scikit-learn does
 * with zero_division=0: a ratio whose denominator is 0 counts as 0.
 */

/** counts[t * size + p] = rows whose true class is t and predicted class is p (scikit-learn's layout). */
export interface ConfusionMatrix {
  readonly size: number;
  readonly counts: Float64Array;
}

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export type Average = "macro" | "weighted" | "micro";

export function confusionMatrix(trueCodes: Int32Array, predCodes: Int32Array, size: number): ConfusionMatrix {
  const counts = new Float64Array(size * size);
  for (let row = 0; row < trueCodes.length; row++) counts[trueCodes[row]! * size + predCodes[row]!]! += 1;
  return { size, counts };
}

export function accuracyOf(matrix: ConfusionMatrix): number {
  let correct = 0;
  let total = 0;
  for (let t = 0; t < matrix.size; t++) {
    for (let p = 0; p < matrix.size; p++) {
      const count = matrix.counts[t * matrix.size + p]!;
      total += count;
      if (t === p) correct += count;
    }
  }
  return correct / total;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Precision, recall, F1 and support of every class, in the matrix's class order. */
export function classScores(matrix: ConfusionMatrix): ClassScores[] {
  const { size, counts } = matrix;
  const scores: ClassScores[] = [];
  for (let k = 0; k < size; k++) {
    let predicted = 0;
    let actual = 0;
    for (let j = 0; j < size; j++) {
      predicted += counts[j * size + k]!;
      actual += counts[k * size + j]!;
    }
    const truePositives = counts[k * size + k]!;
    scores.push({
      precision: ratio(truePositives, predicted),
      recall: ratio(truePositives, actual),
      // 2tp / (2tp + fp + fn), the form scikit-learn uses since 1.3; equal to 2PR/(P+R) when defined.
      f1: ratio(2 * truePositives, predicted + actual),
      support: actual,
    });
  }
  return scores;
}

export function averagedScores(matrix: ConfusionMatrix, average: Average): Omit<ClassScores, "support"> {
  const perClass = classScores(matrix);
  if (average === "micro") {
    let truePositives = 0;
    let total = 0;
    for (let k = 0; k < matrix.size; k++) truePositives += matrix.counts[k * matrix.size + k]!;
    for (const count of matrix.counts) total += count;
    // Over all classes every false positive of one class is a false negative of another: P = R = F1.
    const micro = ratio(truePositives, total);
    return { precision: micro, recall: micro, f1: micro };
  }
  const totalSupport = perClass.reduce((sum, scores) => sum + scores.support, 0);
  // Sum first, divide last, as numpy's average does, so results agree to the last bits.
  const mean = (pick: (scores: ClassScores) => number): number =>
    average === "macro"
      ? perClass.reduce((sum, scores) => sum + pick(scores), 0) / perClass.length
      : ratio(
          perClass.reduce((sum, scores) => sum + scores.support * pick(scores), 0),
          totalSupport,
        );
  return { precision: mean((s) => s.precision), recall: mean((s) => s.recall), f1: mean((s) => s.f1) };
}

/** Row and column sums of the matrix: how often each class is true, and how often it is predicted. */
function marginals(matrix: ConfusionMatrix): { actual: Float64Array; predicted: Float64Array; total: number } {
  const { size, counts } = matrix;
  const actual = new Float64Array(size);
  const predicted = new Float64Array(size);
  let total = 0;
  for (let t = 0; t < size; t++) {
    for (let p = 0; p < size; p++) {
      const count = counts[t * size + p]!;
      actual[t]! += count;
      predicted[p]! += count;
      total += count;
    }
  }
  return { actual, predicted, total };
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let k = 0; k < a.length; k++) sum += a[k]! * b[k]!;
  return sum;
}

/** Matthews correlation (multiclass R_K, as scikit-learn's matthews_corrcoef): 0 when either side is constant. */
export function matthewsCorrelation(matrix: ConfusionMatrix): number {
  const { actual, predicted, total } = marginals(matrix);
  let correct = 0;
  for (let k = 0; k < matrix.size; k++) correct += matrix.counts[k * matrix.size + k]!;
  const covariance = correct * total - dot(actual, predicted);
  const predictedVariance = total * total - dot(predicted, predicted);
  const actualVariance = total * total - dot(actual, actual);
  if (predictedVariance * actualVariance === 0) return 0;
  return covariance / Math.sqrt(actualVariance * predictedVariance);
}

/** Mean recall over the classes that occur in y_true (scikit-learn leaves the others out of the mean). */
export function balancedAccuracy(matrix: ConfusionMatrix): number {
  const { actual } = marginals(matrix);
  let sum = 0;
  let classes = 0;
  for (let k = 0; k < matrix.size; k++) {
    if (actual[k] === 0) continue;
    sum += matrix.counts[k * matrix.size + k]! / actual[k]!;
    classes++;
  }
  return sum / classes;
}

/**
 * Cohen's kappa of y_true and y_pred: 1 - observed disagreement / disagreement expected by chance. NaN when chance
 * disagreement is 0 (every row is one class on both sides), as scikit-learn returns.
 */
export function cohenKappa(matrix: ConfusionMatrix): number {
  const { size, counts } = matrix;
  const { actual, predicted, total } = marginals(matrix);
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < size; j++) {
      if (i === j) continue;
      observed += counts[i * size + j]!;
      expected += (predicted[i]! * actual[j]!) / total;
    }
  }
  return expected === 0 ? Number.NaN : 1 - observed / expected;
}
