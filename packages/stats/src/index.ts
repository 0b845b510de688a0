export { chiSquareContingency, twoProportionZTest } from "./contingency.js";
export type { ChiSquareResult, ZTestResult } from "./contingency.js";
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
export { kolmogorovSurvival } from "./kolmogorov.js";
export { ksTwoSample } from "./ks-two-sample.js";
export type { KsTwoSampleResult } from "./ks-two-sample.js";
export { isUsableRandomState, Random } from "./random.js";
export type { RandomState } from "./random.js";
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
