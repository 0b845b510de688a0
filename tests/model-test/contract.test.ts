import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { expectedViolations, fieldValue, loadContract, type GoldenInput } from "@ctrain/model-test";

const input: GoldenInput = { request: { x: 1 }, location: "golden.jsonl:4" };
const exact = { absolute: 0, relative: 0 };
const row = (cells: Record<string, string>) => ({ cells, location: "expected.csv:5" });

describe("expected outputs", () => {
  it("compare numbers within the tolerance and refuse a number spelled as text", () => {
    expect(expectedViolations({ score: 0.5 }, row({ score: "0.5" }), input, exact)).toEqual([]);
    expect(expectedViolations({ score: "0.5" }, row({ score: "0.5" }), input, exact)).toEqual([
      {
        location: "golden.jsonl:4",
        field: "score",
        message: 'the response holds "0.5", expected the number 0.5 (expected.csv:5)',
      },
    ]);
    expect(
      expectedViolations({ score: 0.5001 }, row({ score: "0.5" }), input, { absolute: 1e-3, relative: 0 }),
    ).toEqual([]);
    expect(expectedViolations({ score: 0.502 }, row({ score: "0.5" }), input, { absolute: 1e-3, relative: 0 })).toEqual(
      [
        {
          location: "golden.jsonl:4",
          field: "score",
          message: "the response holds 0.502, expected 0.5 within 0.00100 (expected.csv:5)",
        },
      ],
    );
  });

  it("compare labels, booleans and null exactly, skip empty cells, and name a missing field", () => {
    const response = { label: "cat", ok: true, note: null, rank: 2 };
    expect(
      expectedViolations(response, row({ label: "cat", ok: "true", note: "null", rank: "" }), input, exact),
    ).toEqual([]);
    expect(
      expectedViolations(response, row({ label: "dog", ok: "false", note: "x", missing: "1" }), input, exact).map(
        (violation) => `${violation.field}: ${violation.message}`,
      ),
    ).toEqual([
      'label: the response holds "cat", expected "dog" (expected.csv:5)',
      "ok: the response holds true, expected false (expected.csv:5)",
      'note: the response holds null, expected "x" (expected.csv:5)',
      "missing: the response has no field, expected 1 (expected.csv:5)",
    ]);
  });

  it("find nested fields by dotted path, a key that holds a dot first, never an inherited property", () => {
    expect(fieldValue({ probabilities: { cat: 0.9 } }, "probabilities.cat")).toBe(0.9);
    expect(fieldValue({ "a.b": 1, a: { b: 2 } }, "a.b")).toBe(1);
    expect(fieldValue({}, "constructor")).toBeUndefined();
    expect(fieldValue({ a: {} }, "a.toString")).toBeUndefined();
  });
});

describe("loading a contract", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const workspace = () => {
    const dir = mkdtempSync(join(tmpdir(), "ctrain-contract-"));
    dirs.push(dir);
    return dir;
  };
  const config = (overrides: Record<string, unknown>) => ({
    "absolute-tolerance": 0,
    "relative-tolerance": 0,
    ...overrides,
  });

  it("refuses expected outputs whose row count differs from the golden inputs", async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, "expected.csv"), "label\n1\n");
    const promise = loadContract(config({ expected: "expected.csv" }), { cwd, inputs: [input, input] });
    await expect(promise).rejects.toThrow(UserError);
    await expect(loadContract(config({ expected: "expected.csv" }), { cwd, inputs: [input, input] })).rejects.toThrow(
      "the expected outputs have 1 rows, the golden inputs 2 requests",
    );
  });

  it("refuses a JSON Schema that is not valid JSON, naming the file", async () => {
    const cwd = workspace();
    writeFileSync(join(cwd, "contract.json"), "{ nope");
    await expect(loadContract(config({ schema: "contract.json" }), { cwd, inputs: [input] })).rejects.toThrow(
      /the JSON Schema is not valid JSON/,
    );
  });

  it("checks nested fields of the schema and names them", async () => {
    const cwd = workspace();
    writeFileSync(
      join(cwd, "contract.json"),
      JSON.stringify({
        type: "object",
        properties: { probabilities: { type: "object", additionalProperties: { type: "number", maximum: 1 } } },
      }),
    );
    const contract = (await loadContract(config({ schema: "contract.json" }), { cwd, inputs: [input] }))!;
    expect(contract.check({ probabilities: { cat: 0.2 } }, 0, input)).toEqual([]);
    expect(contract.check({ probabilities: { cat: 1.2 } }, 0, input)).toEqual([
      {
        location: "golden.jsonl:4",
        field: "probabilities.cat",
        message: "the response breaks contract.json: /probabilities/cat must be <= 1, got 1.2",
      },
    ]);
  });
});
