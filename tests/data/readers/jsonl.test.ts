import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { readBatches, readRecords } from "@ctrain/readers";
import { readError, temporaryDirectory } from "./collect.js";

const temp = temporaryDirectory();
afterAll(() => temp.remove());

let fileCount = 0;
function write(content: string | Buffer, name = "f.jsonl"): string {
  const path = join(temp.dir, `${fileCount++}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function records(path: string, chunkBytes?: number) {
  const out = [];
  for await (const record of readRecords(path, { chunkBytes })) out.push(record);
  return out;
}

describe("JSON Lines", () => {
  it("reads one object per line, skipping blank lines, with CRLF and a BOM, at any chunk size", async () => {
    const path = write('\uFEFF{"a": 1, "b": "x"}\r\n\n   \n{"b": null, "c": [1, {"d": true}]}\n{"a": 2.5}');
    for (const chunkBytes of [1, 2, 7, 1 << 20]) {
      expect(await records(path, chunkBytes)).toEqual([
        { values: { a: 1, b: "x" }, file: path, line: 1 },
        { values: { b: null, c: [1, { d: true }] }, file: path, line: 4 },
        { values: { a: 2.5 }, file: path, line: 5 },
      ]);
    }
  });

  it("gives batches columns in first-seen order, with null where a key is missing", async () => {
    const path = write('{"a": 1, "b": 2}\n{"c": 3, "a": 4}\n');
    for await (const batch of readBatches(path)) {
      expect(batch.kind).toBe("values");
      expect(batch.columns).toEqual(["a", "b", "c"]);
      expect(Array.from(batch.column(1))).toEqual([2, null]);
      expect(Array.from(batch.column(2))).toEqual([null, 3]);
      expect(batch.cell(1, 0)).toBe(4);
      expect([batch.lineOf(0), batch.lineOf(1)]).toEqual([1, 2]);
    }
  });

  it("reads .ndjson and gzip", async () => {
    const path = write(gzipSync('{"a": 1}\n{"a": 2}\n'), "f.ndjson.gz");
    expect((await records(path, 5)).map((record) => record.values)).toEqual([{ a: 1 }, { a: 2 }]);
  });
});

describe("JSON Lines errors", () => {
  async function userError(path: string, options = {}): Promise<UserError> {
    const error = await readError(path, options);
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }

  it("a bad line: file:line:col and JSON.parse's message", async () => {
    const cases: [string, number][] = [
      ['{"a": x}', 7],
      ['{"a": 1', 8],
      ['{"a" 1}', 6],
      ['{"a": [1,]}', 10],
      ['{"a": 1}}', 9],
      ['  {"a": "\\q"}', 11],
      ['{"a": "tab\there"}', 11],
    ];
    for (const [line, column] of cases) {
      const path = write(`{"ok": 1}\n\n${line}\n{"ok": 2}\n`);
      const error = await userError(path, { chunkBytes: 3 });
      expect(error.location, line).toBe(`${path}:3:${column}`);
      let parseMessage = "";
      try {
        JSON.parse(line);
      } catch (parseError) {
        parseMessage = (parseError as Error).message;
      }
      expect(error.message).toBe(`invalid JSON: ${parseMessage}`);
    }
  });

  it("a line that is not an object", async () => {
    const cases: [string, string][] = [
      ["[1, 2]", "an array"],
      ["  42", "a number"],
      ['"text"', "a string"],
      ["null", "null"],
    ];
    for (const [line, found] of cases) {
      const path = write(`{"ok": 1}\n${line}\n`);
      const error = await userError(path);
      expect(error.format()).toContain(
        `${path}:2:${line.length - line.trimStart().length + 1}: expected a JSON object, found ${found}`,
      );
    }
  });

  it("a line over the limit, invalid UTF-8 and an empty file", async () => {
    const long = write(`{"a": 1}\n{"a": "${"x".repeat(500)}"}\n`);
    expect((await userError(long, { maxLineBytes: 100, chunkBytes: 64 })).location).toBe(`${long}:2`);
    const badBytes = write(
      Buffer.concat([Buffer.from('{"a": 1}\n{"a": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]),
    );
    const utf8 = await userError(badBytes, { chunkBytes: 4 });
    expect(utf8.location).toBe(`${badBytes}:2`);
    expect(utf8.message).toContain("not valid UTF-8");
    for (const content of ["", "\n  \n"]) {
      const empty = write(content);
      const error = await userError(empty);
      expect(error.format()).toContain(`${empty}: the file has no JSON records`);
    }
  });
});

describe("JSON error columns", () => {
  it("point where V8's JSON.parse says the error is, whenever its message gives a position", async () => {
    const { jsonSyntaxErrorOffset } = await import("../../../packages/readers/src/json-syntax.js");
    const token = fc.constantFrom(
      '{"a": 1}',
      "[1, 2]",
      '"s"',
      "12",
      "-0.5e3",
      "true",
      "null",
      "{",
      "}",
      "[",
      "]",
      ",",
      ":",
      '"',
      "x",
      " ",
      "\\",
      "tru",
      "1.",
      "-",
      "01",
    );
    fc.assert(
      fc.property(fc.array(token, { minLength: 1, maxLength: 8 }), (tokens) => {
        const text = tokens.join("");
        let position: number | undefined;
        try {
          JSON.parse(text);
          position = -1;
        } catch (error) {
          const match = /at position (\d+)/.exec((error as Error).message);
          if (match) position = Number(match[1]);
        }
        if (position !== undefined)
          expect({ text, offset: jsonSyntaxErrorOffset(text) }).toEqual({ text, offset: position });
      }),
      { numRuns: 2000 },
    );
  });
});
