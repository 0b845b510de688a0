import {
  UserError,
  type ComparisonDocument,
  type ModelTestDocument,
  type RunDocument,
  type ValidationDocument,
} from "@ctrain/core";

export interface GateDocuments {
  run: RunDocument;
  comparison?: ComparisonDocument;
  validation?: ValidationDocument;
  modelTest?: ModelTestDocument;
}

/** Why the bundle's own verdicts forbid publishing; empty when they allow it. */
export function verdictProblems({ run, comparison, validation, modelTest }: GateDocuments): string[] {
  const problems: string[] = [];
  if (run.status !== "succeeded") problems.push(`the training run ended as ${run.status}`);
  if (run.model.files.length === 0) problems.push("the run recorded no model files (set `train.model-files`)");
  if (validation && !validation.success) problems.push("data validation failed (validation.json)");
  else if (run.verdicts.validation === "failed") problems.push("data validation failed (run.json verdicts)");
  if (modelTest && !modelTest.passed) {
    const first = modelTest.failures[0];
    const where = first ? [first.location, first.field].filter(Boolean).join(": ") : "";
    problems.push(
      `the model test failed (model-test.json)${first ? `: ${where ? `${where}: ` : ""}${first.message}` : ""}`,
    );
  }
  if (!comparison) {
    problems.push("the bundle holds no comparison.json, so no gate has passed (run the compare step first)");
  } else {
    if (comparison.verdict !== "passed") {
      const failed = comparison.failed.length ? `: ${comparison.failed.slice(0, 10).join(", ")}` : "";
      problems.push(`the comparison verdict is "${comparison.verdict}", not "passed"${failed}`);
    }
    const [compared, trained] = [comparison.source?.commit, run.source.commit];
    if (compared && trained && compared !== trained) {
      problems.push(`comparison.json was made at commit ${compared.slice(0, 12)}, run.json at ${trained.slice(0, 12)}`);
    }
  }
  return problems;
}

/** Refuses, with every reason at once, a bundle whose verdicts do not allow publishing. */
export function assertVerdictsAllowPublishing(documents: GateDocuments, bundleRoot: string): void {
  const problems = verdictProblems(documents);
  if (problems.length === 0) return;
  throw new UserError(`publish refused: ${problems.join("; ")}`, {
    location: bundleRoot,
    hint: "only a run whose comparison verdict passed can be published; fix the model or its gates and run again",
  });
}
