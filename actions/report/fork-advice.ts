import type { RunContext } from "@ctrain/github";

/** The workflow a repository adds so reports on fork pull requests get posted; printed when a fork PR needs it. */
export function forkWorkflowAdvice(context: RunContext, id: string, artifact: string): string {
  const action = `${process.env.GITHUB_ACTION_REPOSITORY || "<owner>/ctrain"}/actions/report@${process.env.GITHUB_ACTION_REF || "v1"}`;
  return [
    `This pull request comes from a fork: its GITHUB_TOKEN is read-only, so the report cannot be posted as a comment or`,
    `check run from this job. It is in the job summary and in the ${artifact} artifact. To post it on the pull request,`,
    `add this workflow to the default branch (it runs the default branch's code, never the fork's; see docs/forks.md):`,
    ``,
    `# .github/workflows/ctrain-report.yml`,
    `name: ctrain report`,
    `on:`,
    `  workflow_run:`,
    `    workflows: [${JSON.stringify(context.workflow ?? "CI")}]`,
    `    types: [completed]`,
    `permissions:`,
    `  actions: read`,
    `  pull-requests: write`,
    `  checks: write`,
    `jobs:`,
    `  report:`,
    `    if: github.event.workflow_run.event == 'pull_request'`,
    `    runs-on: ubuntu-latest`,
    `    steps:`,
    `      - uses: ${action}`,
    `        with:`,
    `          mode: workflow-run`,
    `          id: ${id}`,
  ].join("\n");
}
