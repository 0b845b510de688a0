// Renders the reference pages under docs/ from their sources (action.yml files, the config schema), so they never drift.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { configJsonSchema, walkConfigSchema, type JsonSchemaNode } from "@ctrain/core";
import packageJson from "../../package.json" with { type: "json" };
import { repositoryOf } from "../release.js";
import { renderMetricNames } from "./metric-names.js";

/** How users name an action: the repository package.json names, at the major tag every release moves. */
const ACTION_PREFIX = `${repositoryOf(packageJson.repository.url)}/actions`;
const MAJOR_TAG = `v${packageJson.version.split(".")[0]}`;

interface ActionMetadata {
  name: string;
  description: string;
  inputs?: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string }>;
}

/** `#   scope: level  - why` lines under `# Permissions` in an action.yml header. */
export function actionPermissions(text: string): { scope: string; level: string; why: string }[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => /^# Permissions/.test(line));
  if (start < 0) return [];
  const rows = [];
  for (const line of lines.slice(start + 1)) {
    const match = /^#\s+([a-z-]+):\s*(read|write|none)\s+-\s+(.+)$/.exec(line);
    if (!match) break;
    rows.push({ scope: match[1]!, level: match[2]!, why: match[3]! });
  }
  return rows;
}

function cell(text: string | undefined): string {
  return (text ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ");
}

function renderActionPage(actionName: string, text: string): string {
  const metadata = parse(text) as ActionMetadata;
  const permissions = actionPermissions(text);
  const inputs = Object.entries(metadata.inputs ?? {});
  const outputs = Object.entries(metadata.outputs ?? {});
  const notes = text
    .split("\n")
    .filter(
      (line) =>
        line.startsWith("# ") && !/^# Permissions/.test(line) && !/^#\s+[a-z-]+:\s*(read|write|none)\s+-/.test(line),
    )
    .slice(1)
    .map((line) => line.slice(2))
    .join(" ")
    .trim();
  return [
    `<!-- generated from actions/${actionName}/action.yml by scripts/generate-docs.ts: edit that file, not this one -->`,
    `# ${metadata.name}`,
    "",
    metadata.description,
    "",
    "```yaml",
    `- uses: ${ACTION_PREFIX}/${actionName}@${MAJOR_TAG}`,
    ...(inputs.some(([, input]) => input.required)
      ? ["  with:", ...inputs.filter(([, input]) => input.required).map(([name]) => `    ${name}: ...`)]
      : []),
    "```",
    "",
    "## Permissions",
    "",
    permissions.length ? "| scope | level | why |\n|---|---|---|" : "No permissions beyond the defaults.",
    ...permissions.map((row) => `| \`${row.scope}\` | ${row.level} | ${cell(row.why)} |`),
    ...(notes ? ["", notes] : []),
    "",
    "## Inputs",
    "",
    "| input | required | default | description |",
    "|---|---|---|---|",
    ...inputs.map(
      ([name, input]) =>
        `| \`${name}\` | ${input.required ? "yes" : "no"} | ${input.default !== undefined ? `\`${cell(String(input.default))}\`` : ""} | ${cell(input.description)} |`,
    ),
    "",
    "## Outputs",
    "",
    "| output | description |",
    "|---|---|",
    ...outputs.map(([name, output]) => `| \`${name}\` | ${cell(output.description)} |`),
    "",
  ].join("\n");
}

function typeOf(node: JsonSchemaNode): string {
  if (node.enum) return node.enum.map((value) => `\`${String(value)}\``).join(" \\| ");
  if (node.const !== undefined) return `\`${String(node.const)}\``;
  if (node.anyOf) return [...new Set(node.anyOf.map(typeOf))].join(" or ");
  if (node.type === "array") return `list of ${node.items ? typeOf(node.items) : "values"}`;
  if (node.type === "object") return node.properties ? "mapping" : "mapping of names";
  return Array.isArray(node.type) ? node.type.join(" or ") : (node.type ?? "any");
}

function renderConfigReference(): string {
  const rows: string[] = [];
  walkConfigSchema(configJsonSchema(), (path, node) => {
    const fallback = node.default === undefined ? "" : `\`${JSON.stringify(node.default)}\``;
    rows.push(
      `| \`${path}\` | ${typeOf(node)} | ${fallback.length > 60 ? "(see below)" : fallback} | ${cell(node.description)} |`,
    );
  });
  return [
    "<!-- generated from the zod schema in packages/core by scripts/generate-docs.ts: edit the schema, not this page -->",
    "# ctrain.yml reference",
    "",
    "Every key, its type, its default and what it does. `*` stands for a name you choose (a dataset, a column, a metric).",
    "Action inputs override these keys; each action's page says which. Editors validate the file with",
    "`# yaml-language-server: $schema=./schemas/ctrain.schema.json` at its top.",
    "",
    "| key | type | default | description |",
    "|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** Every generated page, by path relative to the repository root. */
export function generatedDocs(root: string): Record<string, string> {
  const pages: Record<string, string> = {
    "docs/config.md": renderConfigReference(),
    "docs/metrics.md": renderMetricNames(),
  };
  const actionsDir = join(root, "actions");
  for (const name of readdirSync(actionsDir).sort()) {
    const file = join(actionsDir, name, "action.yml");
    if (existsSync(file)) pages[`docs/actions/${name}.md`] = renderActionPage(name, readFileSync(file, "utf8"));
  }
  return pages;
}
