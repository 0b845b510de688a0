import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  planSegments,
  readBatches,
  readPieces,
  resolveDataFiles,
  resolveReadOptions,
  type DataFile,
  type ReadOptions,
  type RecordBatch,
  type Segment,
} from "@ctrain/readers";
import { countLineBreaks } from "../../../packages/readers/src/line-breaks.js";
import { tempDir } from "../../support/temp-dir.js";

const dir = tempDir("ctrain-segments-");
let fileCount = 0;
function write(name: string, content: string | Buffer): string {
  const path = join(dir, `${fileCount++}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function filesOf(paths: string | string[], options: ReadOptions = {}): Promise<DataFile[]> {
  return resolveDataFiles(paths, resolveReadOptions(options));
}

async function plan(files: readonly DataFile[], segmentBytes: number, options: ReadOptions = {}): Promise<Segment[]> {
  const segments: Segment[] = [];
  for await (const segment of planSegments(files, resolveReadOptions(options), segmentBytes)) segments.push(segment);
  return segments;
}

/** The pieces of a plan as [file index, start, end, line] per segment. */
function shape(segments: readonly Segment[], files: readonly DataFile[]): number[][][] {
  return segments.map((segment) =>
    segment.pieces.map((piece) => [files.indexOf(piece.file), piece.start, piece.end, piece.line]),
  );
}

interface Read {
  columns: string[];
  rows: { line: number; record: Record<string, unknown> }[];
  raggedRows: number;
  error?: { message: string; location: unknown };
}

/** Everything a read yields, up to and including the error that stops it. */
async function collect(reads: AsyncIterable<RecordBatch>[]): Promise<Read> {
  const read: Read = { columns: [], rows: [], raggedRows: 0 };
  const columns = new Set<string>();
  try {
    for (const batches of reads) {
      for await (const batch of batches) {
        columns.add(JSON.stringify(batch.columns));
        read.raggedRows += batch.raggedRows;
        for (let row = 0; row < batch.rows; row++) {
          read.rows.push({ line: batch.lineOf(row), record: batch.record(row) });
        }
      }
    }
  } catch (error) {
    const { message, location } = error as Error & { location?: unknown };
    read.error = { message, location };
  }
  read.columns = [...columns];
  return read;
}

/** A JSON Lines batch names the keys its own records use, so batches of other sizes have other columns. */
function withoutColumns(read: Read): Omit<Read, "columns"> {
  const { columns: _, ...rest } = read;
  return rest;
}

/** Reads each segment on its own, one after the other, as the threads that validate them would. */
function readSegments(segments: readonly Segment[], options: ReadOptions): Promise<Read> {
  return collect(segments.map((segment) => readPieces(segment.pieces, options)));
}

/** Segments are numbered from 0, their pieces tile every file in order, and only the last one is under size. */
function expectTiling(segments: readonly Segment[], files: readonly DataFile[], segmentBytes: number): void {
  const pieces = segments.flatMap((segment) => segment.pieces);
  expect(segments.map((segment) => segment.index)).toEqual(segments.map((_, i) => i));
  for (const [i, segment] of segments.entries()) {
    expect(segment.pieces.length).toBeGreaterThan(0);
    expect(segment.bytes).toBe(segment.pieces.reduce((total, piece) => total + piece.end - piece.start, 0));
    if (i < segments.length - 1) expect(segment.bytes).toBeGreaterThanOrEqual(segmentBytes);
  }
  let at = 0;
  for (const file of files) {
    let offset = 0;
    for (; at < pieces.length && pieces[at]!.file === file; at++) {
      expect(pieces[at]!.start).toBe(offset);
      expect(pieces[at]!.end > offset || file.size === 0).toBe(true);
      offset = pieces[at]!.end;
    }
    expect(offset).toBe(file.size);
  }
  expect(at).toBe(pieces.length);
}

// Fields of the tokenizer's dialect: plain (a quote inside is ordinary), quoted (delimiters, "" and line breaks
// inside), and quoted with text after the closing quote (quotes there are ordinary too).
const plainField = fc
  .array(fc.constantFrom("a", "b", "1", " ", '"', "é", ";"), { maxLength: 4 })
  .map((chars) => (chars[0] === '"' ? "x" : "") + chars.join(""));
const quotedText = fc
  .array(fc.constantFrom("a", ",", "\t", '""', "\n", "\r", "\r\n", "é", " "), { maxLength: 5 })
  .map((parts) => parts.join(""));
const field = fc.oneof(
  { arbitrary: plainField, weight: 3 },
  { arbitrary: quotedText.map((text) => `"${text}"`), weight: 3 },
  {
    arbitrary: fc
      .tuple(quotedText, fc.array(fc.constantFrom("c", '"'), { minLength: 1, maxLength: 3 }))
      .map(([text, rest]) => `"${text}"${rest[0] === '"' ? "c" : ""}${rest.join("")}`),
    weight: 1,
  },
);
const ending = fc.constantFrom("\n", "\r\n", "\r");
const item = fc.oneof(
  { arbitrary: fc.record({ fields: fc.array(field, { minLength: 1, maxLength: 4 }), ending }), weight: 5 },
  { arbitrary: fc.record({ fields: fc.constant(null), ending }), weight: 1 },
);
const csvSample = fc.record({
  tsv: fc.boolean(),
  header: fc.boolean(),
  bom: fc.boolean(),
  trailing: fc.boolean(),
  ragged: fc.boolean(),
  /** Two copies of the file: the second starts inside a segment the first began. */
  twice: fc.boolean(),
  unterminated: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  width: fc.integer({ min: 1, max: 4 }),
  items: fc.array(item, { maxLength: 14 }),
  segmentBytes: fc.integer({ min: 1, max: 200 }),
  chunkBytes: fc.integer({ min: 1, max: 64 }),
});
type CsvSample = typeof csvSample extends fc.Arbitrary<infer T> ? T : never;

/** The file's bytes, and where each record (the header included) starts. */
function buildCsv(sample: CsvSample): { bytes: Buffer; recordStarts: number[] } {
  const delimiter = sample.tsv ? "\t" : ",";
  const parts: Buffer[] = [];
  const recordStarts: number[] = [];
  let offset = 0;
  const add = (text: string, record: boolean): void => {
    const bytes = Buffer.from(text);
    if (record) recordStarts.push(offset);
    parts.push(bytes);
    offset += bytes.length;
  };
  if (sample.bom) add("\uFEFF", false);
  const items = sample.header
    ? [{ fields: Array.from({ length: sample.width }, (_, i) => `c${i}`), ending: "\n" }, ...sample.items]
    : sample.items;
  for (const [i, { fields, ending }] of items.entries()) {
    const last = i === items.length - 1 && !sample.unterminated;
    const end = last && !sample.trailing ? "" : ending;
    if (fields === null) {
      add(end, false);
      continue;
    }
    const cells = sample.ragged ? fields : Array.from({ length: sample.width }, (_, col) => fields[col] ?? "");
    const text = cells.join(delimiter);
    add(text === "" ? '""' : text, true);
    add(end, false);
  }
  if (sample.unterminated) add('"never, closed\r\nb', true);
  return { bytes: Buffer.concat(parts), recordStarts };
}

describe("planned segments read exactly as whole files", () => {
  it("cuts random CSV and TSV files only at record starts, and reading the pieces gives the same records, lines and errors", async () => {
    await fc.assert(
      fc.asyncProperty(csvSample, async (sample) => {
        const { bytes, recordStarts } = buildCsv(sample);
        const name = sample.tsv ? "random.tsv" : "random.csv";
        const paths = sample.twice ? [write(name, bytes), write(name, bytes)] : [write(name, bytes)];
        const options: ReadOptions = {
          header: sample.header,
          chunkBytes: sample.chunkBytes,
          raggedRows: sample.ragged ? "count" : "error",
        };
        const files = await filesOf(paths, options);
        const segments = await plan(files, sample.segmentBytes, options);
        expectTiling(segments, files, sample.segmentBytes);
        expect(await plan(files, sample.segmentBytes, options)).toEqual(segments);

        const pieces = segments.flatMap((segment) => segment.pieces);
        for (const piece of pieces.filter((piece) => piece.start > 0)) {
          expect(recordStarts.slice(1)).toContain(piece.start);
          expect(piece.line).toBe(1 + countLineBreaks(bytes, 0, piece.start, true));
        }

        const whole = await collect([readBatches(paths, options)]);
        expect(await readSegments(segments, options)).toEqual(whole);
        // The whole read itself agrees with how the file was built.
        if (!whole.error) {
          const dataStarts = sample.header ? recordStarts.slice(1) : recordStarts;
          const lines = dataStarts.map((start) => 1 + countLineBreaks(bytes, 0, start, true));
          expect(whole.rows.map((row) => row.line)).toEqual(paths.flatMap(() => lines));
        }
      }),
      { numRuns: 400 },
    );
  });

  it("groups small files, keeps gzip whole, and cuts a large file among them", async () => {
    const small = ["a,b\n1,2\n", "a,b\n3,4\n", "a,b\n5,6\n"].map((text, i) => write(`s${i}.csv`, text));
    const gzip = write("g.csv.gz", gzipSync("a,b\n7,8\n9,10\n11,12\n"));
    const large = write("l.csv", "a,b\n" + Array.from({ length: 10 }, (_, i) => `${i},x${i}\n`).join(""));
    const files = await filesOf([...small, gzip, large]);
    const ordered = [small[0]!, small[1]!, small[2]!, gzip, large].map((path) => files.find((f) => f.path === path)!);
    const segments = await plan(ordered, 16);
    const gzipSize = ordered[3]!.size;
    expect(shape(segments, ordered)).toEqual([
      [
        [0, 0, 8, 1],
        [1, 0, 8, 1],
      ],
      [
        [2, 0, 8, 1],
        [3, 0, gzipSize, 1],
      ],
      // The header (4 bytes), then records of 5 bytes: each cut is the first record start 16 bytes or more on.
      [[4, 0, 19, 1]],
      [[4, 19, 39, 5]],
      [[4, 39, 54, 9]],
    ]);
    expectTiling(segments, ordered, 16);
    const options: ReadOptions = { chunkBytes: 3 };
    expect(await readSegments(segments, options)).toEqual(
      await collect(ordered.map((file) => readBatches(file.path, options))),
    );
  });

  it("fills a segment begun by earlier files with the start of the next file", async () => {
    const first = write("first.csv", "a\n1\n2\n3\n");
    const second = write("second.csv", "b\n10\n20\n30\n40\n");
    const files = await filesOf([first, second]);
    // 8 bytes of the first file, then the second is cut at its first record start 4 bytes or more in (past the header).
    expect(shape(await plan(files, 12), files)).toEqual([
      [
        [0, 0, 8, 1],
        [1, 0, 5, 1],
      ],
      [[1, 5, 14, 3]],
    ]);
  });

  it("yields no batch for a first piece that holds only the header, as a whole read yields none for it", async () => {
    const path = write("header-first.csv", "name,value\nx,1\n");
    const segments = await plan(await filesOf(path), 1);
    expect(segments.map((segment) => segment.pieces.map((piece) => [piece.start, piece.end]))).toEqual([
      [[0, 11]],
      [[11, 15]],
    ]);
    const batches: RecordBatch[] = [];
    for await (const batch of readPieces(segments[0]!.pieces)) batches.push(batch);
    expect(batches).toEqual([]);
    expect((await readSegments(segments, {})).rows).toEqual([{ line: 2, record: { name: "x", value: "1" } }]);
  });

  it("reads every file as one piece when segments are larger than the dataset", async () => {
    const paths = ["x.csv", "y.jsonl"].map((name, i) => write(name, i === 0 ? "a\n1\n2\n" : '{"a": 1}\n{"a": 2}\n'));
    const files = await filesOf(paths);
    const segments = await plan(files, 1 << 20);
    expect(shape(segments, files)).toEqual([
      [
        [0, 0, 6, 1],
        [1, 0, 18, 1],
      ],
    ]);
    const read = await readSegments(segments, {});
    expect(read.rows.map((row) => row.record)).toEqual([{ a: "1" }, { a: "2" }, { a: 1 }, { a: 2 }]);
  });

  it("reports progress over the pieces' bytes", async () => {
    const path = write("progress.csv", "a\n" + "1\n".repeat(100));
    const files = await filesOf(path);
    const segments = await plan(files, 50);
    const seen: number[] = [];
    for await (const batch of readPieces(segments[1]!.pieces, {
      chunkBytes: 16,
      onProgress: (progress) => seen.push(progress.totalBytes - progress.bytesRead),
    }))
      void batch;
    expect(seen.at(-1)).toBe(0);
    expect(new Set(seen.map((left) => left >= 0)).size).toBe(1);
  });
});

describe("where a CSV file is cut", () => {
  async function cuts(text: string | Buffer, segmentBytes: number, options: ReadOptions = {}, name = "c.csv") {
    const files = await filesOf(write(name, text), options);
    const segments = await plan(files, segmentBytes, options);
    expectTiling(segments, files, segmentBytes);
    return segments.flatMap((segment) => segment.pieces.map((piece) => [piece.start, piece.line]));
  }

  it("never inside the header: the first cut comes after it, even when the target falls in it", async () => {
    expect(await cuts("name,value\n1,2\n3,4\n", 1)).toEqual([
      [0, 1],
      [11, 2],
      [15, 3],
    ]);
    // Without a header the first record is data, but a file's first piece still holds it.
    expect(await cuts("\n\n1,2\n3,4\n", 1, { header: false })).toEqual([
      [0, 1],
      [6, 4],
    ]);
  });

  it("after the line break that ends a record, LF, CRLF or a lone CR, and past blank lines", async () => {
    expect(await cuts("a\r\nb\rc\n\r\n\rd\n", 1)).toEqual([
      [0, 1],
      [3, 2],
      [5, 3],
      [10, 6],
    ]);
    // A target between the CR and the LF of a CRLF cuts after the LF.
    expect(await cuts("ab\r\ncd\r\nef\r\n", 3)).toEqual([
      [0, 1],
      [4, 2],
      [8, 3],
    ]);
  });

  it("never inside a quoted field, wherever its quotes, delimiters and line breaks are", async () => {
    const text = 'a,b\n"x\n,y","1""\r\n2"\nz"\n","q"\n';
    expect(await cuts(text, 2)).toEqual([
      [0, 1],
      [4, 2],
      [20, 5],
      [23, 6],
    ]);
    // A quote inside a plain field, or after a closing quote, opens nothing: the line break there ends the record.
    expect(await cuts('a,b\nx"y,1\n"p"q"r,2\nlast,3\n', 1)).toEqual([
      [0, 1],
      [4, 2],
      [10, 3],
      [19, 4],
    ]);
  });

  it("with the delimiter of the file or of the options", async () => {
    // In a TSV file a comma opens nothing; a quote after a tab opens a field.
    expect(await cuts('a\tb\n1,"\t2\n"\t"\t"x\ny"\n3\t4\n', 1, {}, "t.tsv")).toEqual([
      [0, 1],
      [4, 2],
      [10, 3],
      [20, 5],
    ]);
    expect(await cuts('a;b\n1;"\n"\n3;4\n', 1, { delimiter: ";" })).toEqual([
      [0, 1],
      [4, 2],
      [10, 4],
    ]);
  });

  it("not after a quote that is never closed, nor at the end of the file", async () => {
    expect(await cuts('a\n1\n"open\n2\n3\n', 1)).toEqual([
      [0, 1],
      [2, 2],
      [4, 3],
    ]);
    expect(await cuts("a\n1\n\n\n", 3)).toEqual([[0, 1]]);
    expect(await cuts("a\n1\n2", 4)).toEqual([
      [0, 1],
      [4, 3],
    ]);
  });

  it("counts lines from the file start, whatever a byte order mark", async () => {
    expect(await cuts("\uFEFF\r\n\ra\n1\n", 1)).toEqual([
      [0, 1],
      [8, 4],
    ]);
    // A quote right after the mark opens the header's first field.
    expect(await cuts('\uFEFF"a\nb"\n1\n', 1)).toEqual([
      [0, 1],
      [9, 3],
    ]);
  });

  it("keeps gzip and Parquet files whole, and an empty file is one empty piece", async () => {
    expect(await cuts(gzipSync("a\n1\n2\n3\n"), 1, {}, "z.csv")).toEqual([[0, 1]]);
    expect(await cuts(gzipSync('{"a":1}\n{"a":2}\n'), 1, {}, "z.jsonl")).toEqual([[0, 1]]);
    // Parquet is never opened to plan: any bytes will do.
    expect(await cuts("PAR1 not really\nPAR1", 1, {}, "p.parquet")).toEqual([[0, 1]]);
    expect(await cuts("", 1)).toEqual([[0, 1]]);
  });

  it("a JSON Lines file after an LF, once past the first line with a brace, and never at its end", async () => {
    const text = '\n  \n{"a":1}\r\n\n{"a":2}\n{"a":3}';
    expect(await cuts(text, 1, {}, "j.jsonl")).toEqual([
      [0, 1],
      [13, 4],
      [14, 5],
      [22, 6],
    ]);
    expect(await cuts('{"a":1}\n{"a":2}\n', 8, {}, "j.jsonl")).toEqual([
      [0, 1],
      [8, 2],
    ]);
    const path = write("j.jsonl", text);
    const segments = await plan(await filesOf(path), 1);
    expect(withoutColumns(await readSegments(segments, {}))).toEqual(
      withoutColumns(await collect([readBatches(path)])),
    );
  });

  it("across the planner's 4 MiB reads: a CRLF, a doubled quote or a closing quote on the edge", async () => {
    const edge = 4 * 1024 * 1024;
    for (const tail of ['"x""y\r\nz"', '"x\r\ny"', '"xy"""', '"xy"', "x\r\ny"]) {
      for (let shift = -3; shift <= 1; shift++) {
        // Records of 10 bytes, then one that puts the tail (from edge - 6 + shift) across the edge.
        const fill = edge + shift - 12;
        const records = "123456789\n".repeat(Math.floor(fill / 10)) + "7".repeat(fill % 10) + ",q\n";
        const text = `a,b\n${records}r,${tail}\n1,2\n`;
        expect(text.indexOf("r,", edge - 20)).toBe(edge + shift - 5);
        const bytes = Buffer.from(text);
        const files = await filesOf(write("edge.csv", bytes));
        // The first target is just past the start of the tail's record.
        const pieces = (await plan(files, edge + shift - 4)).flatMap((segment) => segment.pieces);
        // The first record start at or after the edge: after the tail, unless a line break in it ends a record.
        const cut = tail.startsWith('"') ? text.lastIndexOf("1,2\n") : text.lastIndexOf("y\n");
        expect(pieces.map((piece) => [piece.start, piece.line])).toEqual([
          [0, 1],
          [cut, 1 + countLineBreaks(bytes, 0, cut, true)],
        ]);
        // Leaving the plan early, with the next block's read under way, closes the file cleanly.
        for await (const segment of planSegments(files, resolveReadOptions({}), 10)) {
          expect(segment.index).toBe(0);
          break;
        }
      }
    }
  });
});

describe("planned JSON Lines pieces read exactly as whole files", () => {
  const value = fc.oneof(
    fc.integer({ min: -99, max: 99 }).map(String),
    fc
      .array(fc.constantFrom("a", "{", "}", '\\"', "\\n", "é", " ", "\r"), { maxLength: 4 })
      .map((parts) => `"${parts.join("")}"`),
  );
  const jsonLine = fc.oneof(
    {
      arbitrary: fc
        .array(value, { minLength: 1, maxLength: 3 })
        .map((values) => `{${values.map((v, i) => `"k${i}": ${v}`).join(", ")}}`),
      weight: 6,
    },
    { arbitrary: fc.constantFrom("", "  ", "\t", "\r"), weight: 2 },
    { arbitrary: fc.constantFrom('{"a":', "[1]", "x", '"{"'), weight: 1 },
  );
  const jsonSample = fc.record({
    bom: fc.boolean(),
    trailing: fc.boolean(),
    lines: fc.array(fc.record({ text: jsonLine, crlf: fc.boolean() }), { maxLength: 12 }),
    segmentBytes: fc.integer({ min: 1, max: 120 }),
    chunkBytes: fc.integer({ min: 1, max: 64 }),
  });

  it("cuts random JSON Lines files after an LF, and reading the pieces gives the same records, lines and errors", async () => {
    await fc.assert(
      fc.asyncProperty(jsonSample, async (sample) => {
        const text =
          (sample.bom ? "\uFEFF" : "") +
          sample.lines
            .map(
              ({ text, crlf }, i) =>
                text + (i < sample.lines.length - 1 || sample.trailing ? (crlf ? "\r\n" : "\n") : ""),
            )
            .join("");
        const bytes = Buffer.from(text);
        const path = write("random.jsonl", bytes);
        const options: ReadOptions = { chunkBytes: sample.chunkBytes };
        const files = await filesOf(path, options);
        const segments = await plan(files, sample.segmentBytes, options);
        expectTiling(segments, files, sample.segmentBytes);
        for (const piece of segments.flatMap((segment) => segment.pieces).slice(1)) {
          expect(bytes[piece.start - 1]).toBe(0x0a);
          expect(piece.line).toBe(1 + countLineBreaks(bytes, 0, piece.start, false));
        }
        expect(withoutColumns(await readSegments(segments, options))).toEqual(
          withoutColumns(await collect([readBatches(path, options)])),
        );
      }),
      { numRuns: 150 },
    );
  });
});

describe("reading pieces", () => {
  it("reports an unclosed quote with the message and location of a whole read", async () => {
    const path = write("open.csv", 'a,b\n1,2\n3,"open\n4,5\n');
    const files = await filesOf(path);
    const segments = await plan(files, 1);
    expect(segments.length).toBe(3);
    const read = await readSegments(segments, {});
    expect(read.error).toEqual({
      message: "a quoted field opened here is never closed: the file ends inside it",
      location: `${path}:3`,
    });
    expect(read).toEqual(await collect([readBatches(path)]));
  });

  it("reads the columns of a mid-file piece from the header, or as the options name them", async () => {
    const path = write("cols.csv", "x,y\n1,2\n3,4\n");
    const files = await filesOf(path);
    const [, second] = await plan(files, 1);
    const read = async (options: ReadOptions) => (await collect([readPieces(second!.pieces, options)])).rows;
    expect(await read({})).toEqual([{ line: 2, record: { x: "1", y: "2" } }]);
    const all = await plan(files, 1, { header: false });
    expect(all.map((segment) => segment.pieces[0]!.start)).toEqual([0, 4, 8]);
    expect((await collect([readPieces(all[2]!.pieces, { header: false })])).rows).toEqual([
      { line: 3, record: { column_1: "3", column_2: "4" } },
    ]);
    expect(await read({ header: ["p", "q"] })).toEqual([{ line: 2, record: { p: "1", q: "2" } }]);
  });

  it("reads segments that crossed to another thread as plain data (structured clone)", async () => {
    const path = write("clone.csv", 'a,b\n1,"x\ny"\n2,z\n3,w\n');
    const segments = await plan(await filesOf(path), 4);
    expect(segments.map((segment) => segment.pieces[0]!.start)).toEqual([0, 4, 12, 16]);
    const cloned = structuredClone(segments);
    expect(cloned).toEqual(segments);
    expect(await readSegments(cloned, {})).toEqual(await collect([readBatches(path)]));
  });

  it("keeps a byte order mark that starts a mid-file piece as data, as a whole read does", async () => {
    const path = write("mid-bom.csv", "\uFEFFa\n1\n\uFEFF2\n");
    const segments = await plan(await filesOf(path), 1);
    expect(segments.map((segment) => segment.pieces[0]!.start)).toEqual([0, 5, 7]);
    const read = await readSegments(segments, {});
    expect(read.rows.map((row) => row.record)).toEqual([{ a: "1" }, { a: "\uFEFF2" }]);
    expect(read).toEqual(await collect([readBatches(path)]));
  });

  it("reports a record longer than max-line-bytes at its line, in whichever piece it falls", async () => {
    const path = write("long.csv", `a\n1\n"${"x\n".repeat(40)}"\n2\n`);
    const options: ReadOptions = { maxLineBytes: 50, chunkBytes: 8 };
    const segments = await plan(await filesOf(path, options), 3, options);
    // The header and the first record, the long record in a piece of its own, then the last record.
    expect(segments.map((segment) => segment.pieces[0]!.line)).toEqual([1, 3, 44]);
    const read = await readSegments(segments, options);
    expect(read.error).toEqual({ message: "the record starting here is longer than 50 bytes", location: `${path}:3` });
    expect(read).toEqual(await collect([readBatches(path, options)]));
  });

  it("reports a bad header from a mid-file piece as a whole read does, and a bad byte at its line", async () => {
    const duplicate = write("dup.csv", "a,a\n1,2\n3,4\n");
    const [, piece] = await plan(await filesOf(duplicate), 1);
    expect((await collect([readPieces(piece!.pieces)])).error).toEqual((await collect([readBatches(duplicate)])).error);
    const nul = write("nul.csv", "a,b\n1,2\n3,4\n5,\u00006\n");
    const segments = await plan(await filesOf(nul), 1);
    expect(await readSegments(segments, {})).toEqual(await collect([readBatches(nul)]));
    expect((await readSegments(segments, {})).error?.location).toBe(`${nul}:4`);
  });
});
