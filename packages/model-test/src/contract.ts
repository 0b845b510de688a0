import { relative, resolve } from "node:path";
import { UserError, type ModelTestConfig } from "@ctrain/core";
import { loadRowSchema, type RowSchema } from "@ctrain/data";
import { parseCell, readRecords } from "@ctrain/readers";
import type { GoldenInput } from "./golden-inputs.js";

/** Why one response breaks the contract. */
export interface ContractViolation {
  /** The request's `<inputs file>:<line>`. */
  location: string;
  field?: string;
  message: string;
}

/** One row of the expected-outputs CSV: its cells by column, and where it is. */
export interface ExpectedRow {
  cells: Record<string, string>;
  location: string;
}

export interface Tolerance {
  absolute: number;
  relative: number;
}

/** What every response must satisfy: a JSON Schema, a row of expected outputs, or both. */
export interface Contract {
  schema?: string;
  expected?: string;
  check(response: Record<string, unknown>, index: number, input: GoldenInput): ContractViolation[];
}

type ContractConfig = NonNullable<ModelTestConfig["contract"]>;

/** Reads the contract the config declares; files that cannot be read or do not fit the inputs are the user's to fix. */
export async function loadContract(
  config: ContractConfig | undefined,
  options: { cwd: string; inputs: readonly GoldenInput[] },
): Promise<Contract | undefined> {
  if (!config) return undefined;
  const schema = config.schema === undefined ? undefined : await loadRowSchema(config.schema, options.cwd);
  const expected = config.expected === undefined ? undefined : await readExpectedRows(config.expected, options);
  const tolerance = { absolute: config["absolute-tolerance"], relative: config["relative-tolerance"] };
  return {
    schema: config.schema,
    expected: config.expected,
    check(response, index, input) {
      const violations: ContractViolation[] = [];
      if (schema) {
        const violation = schemaViolation(schema, response, input);
        if (violation) violations.push(violation);
      }
      if (expected) violations.push(...expectedViolations(response, expected[index]!, input, tolerance));
      return violations;
    },
  };
}

function schemaViolation(
  schema: RowSchema,
  response: Record<string, unknown>,
  input: GoldenInput,
): ContractViolation | undefined {
  const problem = schema.check(response, false);
  if (problem === undefined) return undefined;
  // The schema's message starts with the JSON pointer of the field it is about (`/label must be ...`).
  const pointer = /^(\/\S*)/.exec(problem)?.[1];
  return {
    location: input.location,
    ...(pointer ? { field: pointer.slice(1).replaceAll("/", ".") } : {}),
    message: `the response breaks ${schema.file}: ${problem.replace(/^row /, "")}`,
  };
}

async function readExpectedRows(
  file: string,
  options: { cwd: string; inputs: readonly GoldenInput[] },
): Promise<ExpectedRow[]> {
  const rows: ExpectedRow[] = [];
  const label = relative(options.cwd, resolve(options.cwd, file)) || file;
  for await (const record of readRecords(file, { cwd: options.cwd, format: "csv" })) {
    rows.push({ cells: record.values as Record<string, string>, location: `${label}:${record.line}` });
  }
  if (rows.length !== options.inputs.length) {
    throw new UserError(
      `the expected outputs have ${rows.length} rows, the golden inputs ${options.inputs.length} requests`,
      {
        location: label,
        hint: "write one row of expected outputs per golden input, in the same order",
      },
    );
  }
  return rows;
}

/** numpy's isclose: |actual - expected| <= absolute + relative x |expected|. */
export function withinTolerance(actual: number, expected: number, tolerance: Tolerance): boolean {
  if (Number.isNaN(expected) || Number.isNaN(actual)) return Number.isNaN(expected) && Number.isNaN(actual);
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
  return Math.abs(actual - expected) <= tolerance.absolute + tolerance.relative * Math.abs(expected);
}

/** A response's value at a column name: the key itself, else a dotted path into nested objects. */
export function fieldValue(response: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(response, field)) return response[field];
  let node: unknown = response;
  for (const key of field.split(".")) {
    if (typeof node !== "object" || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Each field of the expected row against the response; an empty cell is not checked. */
export function expectedViolations(
  response: Record<string, unknown>,
  row: ExpectedRow,
  input: GoldenInput,
  tolerance: Tolerance,
): ContractViolation[] {
  const violations: ContractViolation[] = [];
  for (const [field, cell] of Object.entries(row.cells)) {
    if (cell === "") continue;
    const actual = fieldValue(response, field);
    const problem = mismatch(actual, cell, tolerance);
    if (problem) violations.push({ location: input.location, field, message: `${problem} (${row.location})` });
  }
  return violations;
}

function mismatch(actual: unknown, cell: string, tolerance: Tolerance): string | undefined {
  if (actual === undefined) return `the response has no field, expected ${cell}`;
  const expected = parseCell(cell);
  const shown = JSON.stringify(actual);
  if (typeof expected === "number") {
    if (typeof actual !== "number") return `the response holds ${shown}, expected the number ${cell}`;
    if (withinTolerance(actual, expected, tolerance)) return undefined;
    const allowed = tolerance.absolute + tolerance.relative * Math.abs(expected);
    return `the response holds ${shown}, expected ${cell} within ${allowed.toPrecision(3)}`;
  }
  if (expected === null) return actual === null ? undefined : `the response holds ${shown}, expected null`;
  if (typeof expected === "boolean") {
    return actual === expected ? undefined : `the response holds ${shown}, expected ${String(expected)}`;
  }
  const text = typeof actual === "string" ? actual : shown;
  return text === cell ? undefined : `the response holds ${shown}, expected ${JSON.stringify(cell)}`;
}
