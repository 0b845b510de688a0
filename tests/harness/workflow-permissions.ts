/**
 * The `permissions:` a job of this repository's workflows declares, as the token the fake issues for it: every
 * scope the block does not name is none, `read-all` and `write-all` name them all, `{}` none. Tests pass it to
 * `runAction`, so a job's test runs with exactly what the workflow grants.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { WORKFLOW_SCOPES, type Access, type Permissions } from "./github-fake/tokens.js";

const WORKFLOWS = fileURLToPath(new URL("../../.github/workflows/", import.meta.url));

type PermissionsBlock = "read-all" | "write-all" | Record<string, Access> | undefined;

function expand(block: Exclude<PermissionsBlock, undefined>): Permissions {
  if (block === "read-all" || block === "write-all") {
    const access = block === "read-all" ? "read" : "write";
    return Object.fromEntries(WORKFLOW_SCOPES.map((scope) => [scope, access]));
  }
  for (const scope of Object.keys(block)) {
    if (!(WORKFLOW_SCOPES as readonly string[]).includes(scope)) throw new Error(`unknown permission scope ${scope}`);
  }
  return { ...block };
}

/** The job's block, else the workflow's; undefined when neither declares one (the repository's default applies). */
export function workflowJobPermissions(workflow: string, job: string): Permissions | undefined {
  const document = parseYaml(readFileSync(`${WORKFLOWS}${workflow}`, "utf8")) as {
    permissions?: PermissionsBlock;
    jobs?: Record<string, { permissions?: PermissionsBlock }>;
  };
  const declared = document.jobs?.[job];
  if (!declared) throw new Error(`${workflow} has no job ${job}`);
  const block = declared.permissions ?? document.permissions;
  return block === undefined ? undefined : expand(block);
}
