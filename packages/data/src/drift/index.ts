export { columnDrift, isSkipped } from "./column-drift.js";
export { chiSquareContingency, twoProportionZTest } from "./contingency.js";
export type { ChiSquareResult, ZTestResult } from "./contingency.js";
export { datasetDrift } from "./dataset-drift.js";
export type { DatasetDriftOptions } from "./dataset-drift.js";
export {
  jensenShannon,
  lInfinity,
  linearQuantile,
  normedWasserstein,
  psi,
  psiFromWeights,
  PSI_SHARE_FLOOR,
  wasserstein,
} from "./distances.js";
export type { JensenShannonResult } from "./distances.js";
export { defaultThreshold, P_VALUE_TESTS } from "./drift-result.js";
export type {
  ColumnDriftOverride,
  ColumnDriftResult,
  DatasetDriftResult,
  DriftTest,
  SkippedColumn,
} from "./drift-result.js";
export { kolmogorovSurvival } from "./kolmogorov.js";
export { ksTwoSample } from "./ks-two-sample.js";
export type { KsTwoSampleResult } from "./ks-two-sample.js";
export {
  binomialCdf,
  binomialHalfCdf,
  chiSquareSurvival,
  logGamma,
  normalCdf,
  normalQuantile,
  twoSidedNormalPValue,
  upperGammaRegularized,
} from "./special-functions.js";
