import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { PROFILE_STRING_MAX_CHARS } from "@ctrain/data";
import { NULL_SPELLINGS, parseCell, readBatches } from "@ctrain/readers";
import { DatasetProfiler, type ProfileOptions } from "../../../packages/data/src/profile/index.js";
import { temporaryDirectory } from "../readers/collect.js";

const directory = temporaryDirectory();
afterAll(() => directory.remove());

/** A one-column CSV of the given cells (quoted where asked or needed), profiled batch by batch. */
async function profileCsv(cells: readonly { text: string; quoted: boolean }[], options?: ProfileOptions) {
  const file = join(directory.dir, "cells.csv");
  const lines = cells.map(({ text, quoted }) =>
    quoted || text === "" || /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text,
  );
  writeFileSync(file, `v\n${lines.join("\n")}\n`);
  const profiler = new DatasetProfiler(options);
  for await (const batch of readBatches(file, { chunkBytes: 256 })) profiler.addBatch(batch);
  return profiler.toProfile();
}

/** The same cells parsed one by one by the cell grammar's string functions. */
function profileParsed(texts: readonly string[], options?: ProfileOptions) {
  const profiler = new DatasetProfiler(options);
  profiler.column("v");
  for (const text of texts) profiler.addRow({ v: parseCell(text) });
  return profiler.toProfile();
}

const cellText = fc.oneof(
  fc.double().map(String),
  fc.integer({ min: -50, max: 50 }).map((n) => ` ${n} `),
  fc.constantFrom(...NULL_SPELLINGS, "true", "FALSE", "inf", "-Infinity", "2024-02-29", "2024-02-30", "0x1F", "1e400"),
  fc.constantFrom("plain", 'say "hi"', "a,b", "é", "日本", "line\nbreak"),
  fc.string({ maxLength: 6 }),
  fc.string({ maxLength: 4, unit: "grapheme" }),
);

describe("profiling text cells (CSV, TSV)", () => {
  it("reads nulls, numbers, booleans and strings by the cell grammar", async () => {
    const texts = ["1", "2.5", "NA", "", "true", "x", " 7 ", "2024-01-02", "NaN", "inf", "False", 'a "b"'];
    const profile = await profileCsv(texts.map((text) => ({ text, quoted: false })));
    expect(profile.columns.v).toMatchObject({
      type: "mixed",
      count: 12,
      nullCount: 3,
      numberCount: 4,
      booleanCount: 2,
      stringCount: 3,
    });
    expect(profile.columns.v!.numeric).toMatchObject({ count: 3, positiveInfinityCount: 1, min: 1, max: 7 });
    expect(profile.columns.v!.topValues.values.map(({ value }) => value)).toEqual(
      expect.arrayContaining([false, true, "x", "2024-01-02", 'a "b"']),
    );
  });

  it("profiles a file exactly as its cells parsed one by one, exact and approximate counts alike", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ text: cellText, quoted: fc.boolean() }), { maxLength: 200 }),
        fc.constantFrom(4, 1000),
        async (cells, exactValueLimit) => {
          const options = { exactValueLimit };
          const texts = cells.map(({ text }) => text);
          expect(await profileCsv(cells, options)).toEqual(profileParsed(texts, options));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("counts mostly distinct values past the exact limit as their strings would be counted", async () => {
    // Past the limit, values of up to 64 bytes are kept as bytes until they outlive a reduction (longer ones are made
    // strings at once): a thousand near that bound overflow the stash between reductions, which makes them strings
    // early.
    const value = fc
      .tuple(fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 56, max: 90 }))
      .map(([n, length]) => `v${n}`.padEnd(length, String.fromCharCode(97 + (n % 26))));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 3000, maxLength: 4500 }), async (texts) => {
        const cells = texts.map((text) => ({ text, quoted: false }));
        expect(await profileCsv(cells, { exactValueLimit: 1000 })).toEqual(
          profileParsed(texts, { exactValueLimit: 1000 }),
        );
      }),
      { numRuns: 4 },
    );
  });

  it("keeps a value past the profile's string bound as its prefix, length and hash, however it was read", async () => {
    const bound = PROFILE_STRING_MAX_CHARS;
    const long = fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.integer({ min: bound - 2, max: 3 * bound }));
    await fc.assert(
      fc.asyncProperty(fc.array(long, { minLength: 1, maxLength: 6 }), async (parts) => {
        // Long values sharing their first thousand characters, ASCII (counted from bytes) or not (from strings).
        const texts = parts.map(([tail, length], i) => (i % 2 ? "é" : "a").repeat(length) + tail);
        const cells = texts.map((text) => ({ text, quoted: false }));
        const profile = await profileCsv(cells);
        expect(profile).toEqual(profileParsed(texts));
        const kept = profile.columns.v!.topValues!.values;
        expect(kept.length).toBe(new Set(texts).size);
        for (const { value } of kept) expect(String(value).length).toBeLessThanOrEqual(bound);
        const saved: unknown = JSON.parse(JSON.stringify(profile));
        expect(DatasetProfiler.fromProfile(saved, "profile.json").toProfile()).toEqual(profile);
      }),
      { numRuns: 40 },
    );
  });

  it("counts columns a batch leaves out as nulls", async () => {
    const csv = join(directory.dir, "b.csv");
    const jsonl = join(directory.dir, "a.jsonl");
    writeFileSync(csv, "b\nx\n\ny\n");
    writeFileSync(jsonl, '{"a": 3, "b": "z"}\n');
    const profiler = new DatasetProfiler();
    profiler.addRow({ a: 1 });
    for await (const batch of readBatches([csv, jsonl])) profiler.addBatch(batch);
    const { rows, columns } = profiler.toProfile();
    expect(rows).toBe(4);
    expect([columns.a!.count, columns.a!.nullCount, columns.b!.count, columns.b!.nullCount]).toEqual([4, 2, 4, 1]);
    expect(columns.a!.numeric).toMatchObject({ count: 2, min: 1, max: 3 });
  });
});
