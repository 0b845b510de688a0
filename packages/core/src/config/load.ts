import { lstatSync } from "node:fs";
import { resolve, relative } from "node:path";
import { isNode, type Document, type LineCounter } from "yaml";
import { z } from "zod";
import { UserError } from "../errors.js";
import { checkKeySegments } from "../input/reserved-keys.js";
import { readTextFile } from "../input/text-file.js";
import { parseYamlText } from "../input/yaml-text.js";
import { CONFIG_FILE_MAX_BYTES } from "../limits.js";
import { CtrainConfig } from "./schema.js";
import { closestName } from "./suggest.js";

export const CONFIG_FILE_NAME = "ctrain.yml";

/** Where a setting came from, so an error can point at it: a YAML file or an action input. */
export type SettingOverrides = Record<string, { value: unknown; source: string }>;

/**
 * The overrides a host's options make (action inputs, CLI flags): `mapping` names the config key each option sets;
 * `blame` says how an error names the option (`input 'x'`, `--x`).
 */
export function settingOverrides(
  values: Record<string, unknown>,
  mapping: Record<string, string>,
  blame: (option: string) => string,
): SettingOverrides {
  const overrides: SettingOverrides = {};
  for (const [option, key] of Object.entries(mapping)) {
    const value = values[option];
    if (value !== undefined) overrides[key] = { value, source: blame(option) };
  }
  return overrides;
}

export interface LoadedConfig {
  config: CtrainConfig;
  /** The config file that was read, or undefined when none exists and defaults apply. */
  file?: string;
}

/**
 * Reads `ctrain.yml` (if present), applies overrides (action inputs, CLI flags) by dotted key, and validates the
 * result once, so an input and a config key get the same checks and errors.
 */
export function loadConfig(options: { file?: string; cwd?: string; overrides?: SettingOverrides } = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file !== undefined;
  const file = resolve(cwd, options.file ?? CONFIG_FILE_NAME);
  // lstat: a dangling link named ctrain.yml is a broken config, not a missing one.
  if (!lstatSync(file, { throwIfNoEntry: false })) {
    if (explicit) {
      throw new UserError(`config file not found: ${file}`, {
        hint: `create it, or drop the option to use defaults (looked in ${cwd})`,
      });
    }
    return { config: parseConfig("", { overrides: options.overrides }) };
  }
  const shown = relative(cwd, file);
  const fileName = shown && !shown.startsWith("..") ? shown : file;
  const text = readTextFile(file, { label: fileName, what: "config file", maxBytes: CONFIG_FILE_MAX_BYTES });
  return { config: parseConfig(text, { fileName, overrides: options.overrides }), file };
}

export function parseConfig(
  text: string,
  options: { fileName?: string; overrides?: SettingOverrides } = {},
): CtrainConfig {
  const fileName = options.fileName ?? CONFIG_FILE_NAME;
  const parsed = parseYamlText(text, {
    label: fileName,
    hint: "fix the YAML syntax (indentation, quotes, a missing ':')",
  });
  const { document, lineCounter } = parsed;
  const raw: unknown = parsed.value ?? {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new UserError(`expected a mapping of settings at the top level, got ${describeValue(raw)}`, {
      location: `${fileName}:1:1`,
    });
  }
  const overrides = options.overrides ?? {};
  for (const [key, { value, source }] of Object.entries(overrides)) {
    checkKeySegments(key, source);
    setDotted(raw as Record<string, unknown>, key, value);
  }

  const result = CtrainConfig.safeParse(raw);
  if (result.success) return result.data;
  const messages = result.error.issues.map((issue) =>
    formatIssue(issue, { fileName, document, lineCounter, raw, overrides }),
  );
  throw new UserError(messages[0]!, {
    hint: messages.length > 1 ? `and ${messages.length - 1} more: ${messages.slice(1).join("; ")}` : undefined,
  });
}

interface IssueContext {
  fileName: string;
  document: Document.Parsed;
  lineCounter: LineCounter;
  raw: unknown;
  overrides: SettingOverrides;
}

function formatIssue(issue: z.core.$ZodIssue, context: IssueContext): string {
  const path = issue.path.map(String);
  const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
  const keyPath = unknownKey === undefined ? path : [...path, unknownKey];
  const dotted = keyPath.join(".") || "(top level)";
  const where = locate(keyPath, context, unknownKey !== undefined);
  const found = valueAt(context.raw, path);
  let detail: string;
  switch (issue.code) {
    case "unrecognized_keys": {
      const known = knownKeysAt(path);
      const guess = closestName(unknownKey!, known);
      detail = `unknown key${guess ? `; did you mean "${guess}"?` : known.length ? `; known keys: ${known.join(", ")}` : ""}`;
      break;
    }
    case "invalid_value":
      detail = `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${describeValue(found)}`;
      break;
    case "invalid_type":
      detail =
        found === undefined
          ? `missing required key (expected ${issue.expected})`
          : `expected ${issue.expected}, got ${describeValue(found)}`;
      break;
    case "invalid_union":
    case "invalid_format":
      detail = `expected ${issue.message.replace(/^Invalid (input|string)(: )?/i, "") || "a valid value"}, got ${describeValue(found)}`;
      break;
    default:
      detail = `${issue.message}, got ${describeValue(found)}`;
  }
  return `${where}: ${dotted}: ${detail}`;
}

/** The YAML position of a key path, or the action input / flag that set it. */
function locate(path: string[], context: IssueContext, pointAtKey: boolean): string {
  for (let depth = path.length; depth > 0; depth--) {
    const override = context.overrides[path.slice(0, depth).join(".")];
    if (override) return override.source;
  }
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node =
      pointAtKey && depth === path.length
        ? findKeyNode(context.document, prefix)
        : context.document.getIn(prefix, true);
    if (isNode(node) && node.range) {
      const { line, col } = context.lineCounter.linePos(node.range[0]);
      return `${context.fileName}:${line}:${col}`;
    }
  }
  return context.fileName;
}

function findKeyNode(document: Document.Parsed, path: string[]): unknown {
  const parent = document.getIn(path.slice(0, -1), true) as { items?: { key: unknown }[] } | undefined;
  const last = path.at(-1);
  const pair = parent?.items?.find(
    (item) => isNode(item.key) && String((item.key as { value?: unknown }).value) === last,
  );
  return pair?.key;
}

// Built on the first "did you mean": a valid config never needs it, and building it costs start-up time.
let configJsonSchema: JsonSchemaNode | undefined;
interface JsonSchemaNode {
  properties?: Record<string, JsonSchemaNode>;
  additionalProperties?: JsonSchemaNode | boolean;
  anyOf?: JsonSchemaNode[];
  allOf?: JsonSchemaNode[];
}

/** The keys the schema allows at a path, for "did you mean" suggestions. */
function knownKeysAt(path: string[]): string[] {
  configJsonSchema ??= z.toJSONSchema(CtrainConfig, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  let node: JsonSchemaNode | undefined = configJsonSchema;
  for (const segment of path) {
    if (!node) return [];
    node =
      node.properties?.[segment] ??
      (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
    const options: JsonSchemaNode[] | undefined = node?.anyOf ?? node?.allOf;
    if (node && !node.properties && options) node = options.find((option) => option.properties) ?? node;
  }
  return Object.keys(node?.properties ?? {});
}

function valueAt(root: unknown, path: string[]): unknown {
  let node = root;
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

function setDotted(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const segments = dotted.split(".");
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    const next = node[segment];
    if (typeof next !== "object" || next === null || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments.at(-1)!] = value;
}
