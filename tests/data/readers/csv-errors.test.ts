import { writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { UserError } from "@ctrain/core";
import { readError, temporaryDirectory } from "./collect.js";
import { PythonWorker } from "./python-worker.js";

const temp = temporaryDirectory();
const reference = new PythonWorker("readers_pandas.py");
afterAll(() => {
  reference.close();
  temp.remove();
});

let fileCount = 0;
function write(content: string | Buffer, name = "f.csv"): string {
  const path = join(temp.dir, `${fileCount++}-${name}`);
  writeFileSync(path, content);
  return path;
}

/** The UserError reading `path` throws, checked for the same location at several chunk sizes. */
async function userError(path: string, options: Parameters<typeof readError>[1] = {}): Promise<UserError> {
  const errors = await Promise.all([1, 5, 1 << 20].map((chunkBytes) => readError(path, { ...options, chunkBytes })));
  for (const error of errors) {
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).location).toBe((errors[0] as UserError).location);
    expect(error!.message).toBe(errors[0]!.message);
  }
  return errors[0] as UserError;
}

describe("CSV errors name the file, the line, what was found and how to fix it", () => {
  it("an unterminated quote: the line where the quote opened", async () => {
    const path = write('a,b\n1,2\n3,"open\n4,5\n6,7\n');
    const error = await userError(path);
    expect(error.location).toBe(`${path}:3`);
    expect(error.message).toContain("never closed");
    expect(error.hint).toContain('""');
  });

  it("a ragged record: expected N fields (from the header), got M, at its first line", async () => {
    const short = write('a,b\n1,2\n\n"x\ny"\n');
    const error = await userError(short);
    expect(error.format()).toBe(`${short}:4: expected 2 fields (from the header), got 1\n  hint: ${error.hint}`);
    const long = write("a,b\r\n1,2,3\r\n");
    expect((await userError(long)).format()).toContain(`${long}:2: expected 2 fields (from the header), got 3`);
  });

  it("a record over the length limit, even in a file without any line break", async () => {
    const path = write(`a\n1\n${"x".repeat(300)}\n2\n`);
    const error = await userError(path, { maxLineBytes: 100 });
    expect(error.location).toBe(`${path}:3`);
    expect(error.message).toBe("the record starting here is longer than 100 bytes");
    const noBreaks = write("y".repeat(5000));
    expect((await userError(noBreaks, { maxLineBytes: 1000 })).location).toBe(`${noBreaks}:1`);
    const openQuote = write(`a\n"${"z\n".repeat(600)}`);
    expect((await userError(openQuote, { maxLineBytes: 1000 })).location).toBe(`${openQuote}:2`);
  });

  it("an empty file, or one with blank lines only", async () => {
    for (const content of ["", "\n\r\n", "\uFEFF"]) {
      const path = write(content);
      const error = await userError(path);
      expect(error.location).toBe(path);
      expect(error.message).toBe("the file is empty: it has no header row");
    }
  });

  it("a missing file: the path as given and the working directory", async () => {
    const missing = relative(process.cwd(), join(temp.dir, "nope.csv"));
    const error = (await readError(missing)) as UserError;
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(`file not found: ${missing} (working directory: ${process.cwd()})`);
    expect(error.location).toBe(missing);
  });

  it("invalid UTF-8: the line of the first bad byte, as Python finds it", async () => {
    const text = fc.array(fc.constantFrom("a", "7", " ", "é", "中", "😀", "\n", "\r\n", "\r"), {
      minLength: 0,
      maxLength: 40,
    });
    const invalid = fc.constantFrom(
      [0xff],
      [0x80],
      [0xc0, 0x80],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
      [0xf5, 0x80, 0x80, 0x80],
      [0xf0, 0x9f],
    );
    await fc.assert(
      fc.asyncProperty(
        text,
        invalid,
        text,
        fc.nat(),
        fc.integer({ min: 1, max: 64 }),
        async (before, bad, after, cut, chunkBytes) => {
          const head = Buffer.from(`h\n${before.join("")}`);
          const at = 2 + (cut % (head.length - 1));
          const bytes = Buffer.concat([
            head.subarray(0, at),
            Buffer.from(bad),
            head.subarray(at),
            Buffer.from(after.join("")),
          ]);
          const expected = await reference.ask<{ start: number; line: number }>({ utf8: bytes.toString("hex") });
          const path = write(bytes);
          const error = (await readError(path, { chunkBytes, raggedRows: "count" })) as UserError;
          expect(error).toBeInstanceOf(UserError);
          expect(error.location).toBe(`${path}:${expected.line}`);
          expect(error.message).toContain("not valid UTF-8");
        },
      ),
      { numRuns: 200 },
    );
  });
});
