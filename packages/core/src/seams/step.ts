/** What a stage's step decided, the same whichever host (action or CLI) ran it. */
export interface StepVerdict {
  passed: boolean;
  /** Why it did not pass, one line each; empty when it passed. */
  reasons: string[];
  /** What passed only because a setting let it (gates that failed with fail-on-regression off...). */
  warnings: string[];
}
