import {
  calledWorkflowOf,
  ctrainActionOf,
  expectedCtrainRef,
  missingPermissions,
  readActionMetadata,
  requestedPermissions,
  workflowCallOf,
  type Workflow,
} from "./workflow-files.js";

/** Each check returns what is wrong, one line per problem, so a failure lists them all. */

/** Every ctrain action step passes only inputs its action.yml declares, and every input it requires. */
export function actionInputProblems(workflow: Workflow): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    for (const [index, step] of (job.steps ?? []).entries()) {
      const action = ctrainActionOf(step.uses);
      if (!action) continue;
      const where = `${workflow.name}: jobs.${jobId}.steps[${index}] (${step.uses})`;
      const metadata = readActionMetadata(action.name);
      if (!metadata) {
        problems.push(`${where}: there is no actions/${action.name}/action.yml`);
        continue;
      }
      const ref = expectedCtrainRef(workflow);
      if (!action.local && action.ref !== ref) problems.push(`${where}: expected @${ref}`);
      const given = Object.keys(step.with ?? {});
      for (const input of given.filter((name) => !(name in metadata.inputs))) {
        problems.push(
          `${where}: input "${input}" is not declared (declared: ${Object.keys(metadata.inputs).join(", ")})`,
        );
      }
      for (const [input, spec] of Object.entries(metadata.inputs)) {
        if (spec.required && spec.default === undefined && !given.includes(input)) {
          problems.push(`${where}: required input "${input}" is missing`);
        }
      }
    }
  }
  return problems;
}

function literalType(value: unknown): string | undefined {
  if (typeof value === "string" && value.includes("${{")) return undefined; // decided at run time
  return typeof value;
}

/**
 * Every call of a reusable workflow names one that exists, passes declared inputs of the declared types, every
 * required input and secret, and grants every permission the called workflow's jobs ask for.
 */
export function workflowCallProblems(workflow: Workflow, reusable: ReadonlyMap<string, Workflow>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    const called = calledWorkflowOf(job.uses);
    if (!called) continue;
    const where = `${workflow.name}: jobs.${jobId} (${job.uses})`;
    const target = reusable.get(called.file);
    const call = target && workflowCallOf(target);
    if (!target || !call) {
      problems.push(`${where}: .github/workflows/${called.file} is not a reusable workflow of this repository`);
      continue;
    }
    const ref = expectedCtrainRef(workflow);
    if (called.ref !== ref) problems.push(`${where}: expected @${ref}`);
    const given = job.with ?? {};
    for (const [input, value] of Object.entries(given)) {
      const spec = call.inputs[input];
      if (!spec) {
        problems.push(`${where}: input "${input}" is not declared (declared: ${Object.keys(call.inputs).join(", ")})`);
        continue;
      }
      const type = literalType(value);
      if (type !== undefined && type !== spec.type) {
        problems.push(`${where}: input "${input}" is a ${spec.type}, given the ${type} ${JSON.stringify(value)}`);
      }
    }
    for (const [input, spec] of Object.entries(call.inputs)) {
      if (spec.required && !(input in given)) problems.push(`${where}: required input "${input}" is missing`);
    }
    if (job.secrets !== "inherit") {
      const secrets = job.secrets ?? {};
      for (const secret of Object.keys(secrets).filter((name) => !(name in call.secrets))) {
        problems.push(`${where}: secret "${secret}" is not declared`);
      }
      for (const [secret, spec] of Object.entries(call.secrets)) {
        if (spec.required && !(secret in secrets)) problems.push(`${where}: required secret "${secret}" is missing`);
      }
    }
    const requested = requestedPermissions({ uses: job.uses }, reusable);
    if (!job.permissions) {
      problems.push(`${where}: declares no permissions (the called jobs need ${JSON.stringify(requested)})`);
    } else {
      for (const scope of missingPermissions(job.permissions, requested)) {
        problems.push(`${where}: grants less than the called workflow's jobs ask for: ${scope}`);
      }
    }
  }
  return problems;
}

/** Every job of a reusable workflow declares its own permissions; elsewhere a workflow-wide default also does. */
export function permissionProblems(workflow: Workflow): string[] {
  const reusable = workflowCallOf(workflow) !== undefined;
  return Object.entries(workflow.jobs)
    .filter(([, job]) => !job.permissions && (reusable || !workflow.permissions))
    .map(([jobId]) => `${workflow.name}: jobs.${jobId} declares no permissions`);
}

/** No `run:` script interpolates an expression: values reach scripts through `env:`, where they cannot inject code. */
export function runInterpolationProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    (job.steps ?? [])
      .map((step, index) => ({ step, index }))
      .filter(({ step }) => step.run?.includes("${{"))
      .map(({ index }) => `${workflow.name}: jobs.${jobId}.steps[${index}] interpolates an expression into run:`),
  );
}

/** Actions from other repositories are pinned to a major tag (`actions/checkout@v5`). */
export function pinningProblems(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([jobId, job]) =>
    (job.steps ?? [])
      .filter((step) => step.uses && !step.uses.startsWith("./") && !ctrainActionOf(step.uses))
      .filter((step) => !/^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@v\d+$/.test(step.uses!))
      .map((step) => `${workflow.name}: jobs.${jobId} uses ${step.uses}, not pinned to a major tag`),
  );
}

/** A reusable workflow's outputs read outputs its jobs (or the workflows they call) declare. */
export function outputProblems(workflow: Workflow, reusable: ReadonlyMap<string, Workflow>): string[] {
  const call = workflowCallOf(workflow);
  if (!call) return [];
  const problems: string[] = [];
  for (const [output, { value }] of Object.entries(call.outputs)) {
    const match = /^\$\{\{\s*jobs\.([\w-]+)\.outputs\.([\w-]+)\s*\}\}$/.exec(value);
    const job = match && workflow.jobs[match[1]!];
    if (!match || !job) {
      problems.push(`${workflow.name}: output "${output}" reads ${value}, which is no job's output`);
      continue;
    }
    const called = calledWorkflowOf(job.uses);
    const target = called && reusable.get(called.file);
    const declared = target ? Object.keys(workflowCallOf(target)?.outputs ?? {}) : Object.keys(job.outputs ?? {});
    if (!declared.includes(match[2]!)) {
      problems.push(`${workflow.name}: output "${output}" reads ${value}, which jobs.${match[1]} does not declare`);
    }
  }
  return problems;
}
