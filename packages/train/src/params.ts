import { relative, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import {
  PARAMS_FILE_MAX_BYTES,
  RUN_PARAMS_MAX,
  UserError,
  YAML_FILE_MAX_BYTES,
  closestName,
  isReservedKey,
  parseYamlText,
  readTextFile,
  type RecordedValue,
} from "@ctrain/core";
import { flattenMetrics, numberOf, type MetricValue } from "@ctrain/metrics";

export interface ResolvedParams {
  /** Nested, as the command reads them from CTRAIN_PARAMS_FILE. */
  tree: Record<string, unknown>;
  /** Flattened the DVC way (`model.lr`, `layers.0`), as run.json records them. */
  flat: Record<string, RecordedValue>;
  /** The params file that was read, when there was one. */
  file?: string;
  /** Overrides of keys the params do not have: allowed (a sweep may add one), but often a typo. */
  warnings: string[];
}

/** run.json keys hold at most 500 characters. */
const KEY_MAX_CHARS = 500;

/**
 * Parameter overrides as a workflow writes them: `key=value` lines (`model.lr=0.01`), or one YAML/JSON mapping
 * (`${{ toJSON(matrix) }}`). Values read as YAML scalars, so `0.01` is a number and `true` a boolean.
 */
export function parseParamOverrides(text: string, source: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (trimmed === "") return {};
  if (trimmed.startsWith("{")) {
    const overrides = leavesByDottedKey(parseMapping(trimmed, source));
    for (const key of Object.keys(overrides)) checkOverrideKey(key, source);
    return overrides;
  }
  const overrides: Record<string, unknown> = {};
  for (const [index, rawLine] of trimmed.split("\n").entries()) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) continue;
    const equals = line.indexOf("=");
    const key = line.slice(0, equals).trim();
    if (equals <= 0 || !/^[^.\s=]+(\.[^.\s=]+)*$/.test(key)) {
      throw new UserError(
        `line ${index + 1}: expected key=value (a dotted key such as model.lr=0.01), got ${JSON.stringify(line)}`,
        {
          location: source,
          hint: "write one override per line, or a JSON mapping such as ${{ toJSON(matrix) }}",
        },
      );
    }
    checkOverrideKey(key, `${source} line ${index + 1}`);
    overrides[key] = scalarValue(line.slice(equals + 1).trim());
  }
  return overrides;
}

/** Names that reach an object's prototype (core's reserved keys): setting them would change every object. */
function checkOverrideKey(key: string, location: string): void {
  const forbidden = key.split(".").find(isReservedKey);
  if (forbidden === undefined) return;
  throw new UserError(`param override ${JSON.stringify(key)} names ${forbidden}, which cannot be a param name`, {
    location,
    hint: "rename the param (__proto__, constructor and prototype are refused in override keys)",
  });
}

function scalarValue(text: string): unknown {
  try {
    return parseYaml(text) as unknown;
  } catch {
    return text;
  }
}

function leavesByDottedKey(value: Record<string, unknown>, prefix = ""): Record<string, unknown> {
  const leaves: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const dotted = prefix === "" ? key : `${prefix}.${key}`;
    if (isMapping(item) && Object.keys(item).length > 0) Object.assign(leaves, leavesByDottedKey(item, dotted));
    else leaves[dotted] = item;
  }
  return leaves;
}

/**
 * Params from a YAML/JSON file (relative to the working directory) or an inline mapping, with overrides applied
 * by dotted key: a matrix job sets its own values, so a sweep is a matrix of train jobs. An override of a key the
 * params do not have is applied and named in `warnings`, with the closest existing key.
 */
export async function resolveParams(
  spec: string | Record<string, unknown> | undefined,
  overrides: Record<string, unknown>,
  workingDirectory: string,
): Promise<ResolvedParams> {
  let tree: Record<string, unknown> = {};
  let file: string | undefined;
  if (typeof spec === "string") {
    file = resolve(workingDirectory, spec);
    const label = relative(process.cwd(), file) || file;
    const maxBytes = Math.min(PARAMS_FILE_MAX_BYTES, YAML_FILE_MAX_BYTES);
    tree = parseMapping(readTextFile(file, { label, what: "params file", maxBytes }), label);
  } else if (spec) {
    tree = structuredClone(spec);
  }
  const warnings: string[] = [];
  const existingKeys = Object.keys(flattenMetrics(tree));
  for (const [key, value] of Object.entries(overrides)) {
    checkOverrideKey(key, "params");
    if (spec !== undefined && !hasDotted(tree, key)) warnings.push(unknownOverrideWarning(key, spec, existingKeys));
    setDotted(tree, key, value);
  }
  const flattened = Object.entries(flattenMetrics(tree, "", file ?? "train.params"));
  if (flattened.length > RUN_PARAMS_MAX) {
    throw new UserError(`${flattened.length} params, more than the ${RUN_PARAMS_MAX} a run records`, {
      location: file ?? "train.params",
      hint: "keep long lists (vocabularies, grids) in a data file the command reads; params are its settings",
    });
  }
  const flat: Record<string, RecordedValue> = {};
  for (const [key, value] of flattened) {
    if (key.length > KEY_MAX_CHARS) {
      throw new UserError(`param name ${key.slice(0, 60)}... is longer than ${KEY_MAX_CHARS} characters`, {
        location: file ?? "train.params",
        hint: "shorten the nesting or the names of the params",
      });
    }
    flat[key] = recordedValue(value);
  }
  return file === undefined ? { tree, flat, warnings } : { tree, flat, file, warnings };
}

function unknownOverrideWarning(key: string, spec: string | Record<string, unknown>, existingKeys: string[]): string {
  const where = typeof spec === "string" ? `the params file ${spec}` : "train.params";
  const closest = closestName(key, existingKeys);
  return `param override ${key} sets a key that ${where} does not have${closest ? ` (did you mean ${closest}?)` : ""}`;
}

/** A flattened metric or param value as run.json holds it: NaN and ±Infinity as numbers. */
export function recordedValue(value: MetricValue): RecordedValue {
  return typeof value === "object" && value !== null ? (numberOf(value) ?? null) : value;
}

function parseMapping(text: string, source: string): Record<string, unknown> {
  const { value } = parseYamlText(text, {
    label: source,
    hint: "params are a YAML or JSON mapping of names to values",
  });
  if (value === null || value === undefined) return {};
  if (!isMapping(value)) {
    throw new UserError(
      `expected a mapping of param names to values, found ${Array.isArray(value) ? "a list" : typeof value}`,
      {
        location: source,
        hint: "write params as name: value pairs, e.g. {lr: 0.01, depth: 6}",
      },
    );
  }
  return value;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function hasDotted(tree: Record<string, unknown>, dotted: string): boolean {
  let node: unknown = tree;
  for (const segment of dotted.split(".")) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, segment)) return false;
    node = (node as Record<string, unknown>)[segment];
  }
  return true;
}

function setDotted(tree: Record<string, unknown>, dotted: string, value: unknown): void {
  const segments = dotted.split(".");
  let node: Record<string, unknown> | unknown[] = tree;
  for (const [depth, segment] of segments.slice(0, -1).entries()) {
    const next: unknown = Object.hasOwn(node, segment) ? (node as Record<string, unknown>)[segment] : undefined;
    if (next === undefined) {
      (node as Record<string, unknown>)[segment] = {};
    } else if (typeof next !== "object" || next === null) {
      const path = segments.slice(0, depth + 1).join(".");
      throw new UserError(`cannot set param ${dotted}: ${path} is ${JSON.stringify(next)}, not a mapping`, {
        location: "params",
        hint: `override ${path} itself, or fix the key`,
      });
    }
    node = (node as Record<string, unknown>)[segment] as Record<string, unknown> | unknown[];
  }
  (node as Record<string, unknown>)[segments.at(-1)!] = value;
}

/** JSON as Python's json module writes it: NaN and ±Infinity stay bare, which `json.load` reads back. */
export function serializeParams(tree: Record<string, unknown>, indent: string | number = 2): string {
  const marker = "\u0000ctrain-non-finite:";
  const text = JSON.stringify(
    tree,
    (_key, value: unknown) =>
      typeof value === "number" && !Number.isFinite(value) ? `${marker}${String(value)}` : value,
    indent,
  );
  return text.replace(/"\\u0000ctrain-non-finite:(NaN|Infinity|-Infinity)"/g, "$1") + "\n";
}
