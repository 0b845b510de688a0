import { readdirSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { KeyHasher, RepeatFinder, Seen } from "@ctrain/data";
import { tempDir as makeTempDir } from "../../support/temp-dir.js";

interface Found {
  kind: Seen;
  line: number;
  firstLine?: number;
}

/** The model: a Map from key to its first tag and line, walked in order. */
function expectedRepeats(keys: readonly { key: number; tag: number }[]): Found[] {
  const first = new Map<number, { tag: number; line: number }>();
  const found: Found[] = [];
  keys.forEach(({ key, tag }, line) => {
    const seen = first.get(key);
    if (!seen) first.set(key, { tag, line });
    else found.push({ kind: seen.tag === tag ? Seen.Repeat : Seen.Conflict, line, firstLine: seen.line });
  });
  return found;
}

function hashOf(key: number): { hi: number; lo: number } {
  const hasher = new KeyHasher().reset().addNumber(key).finish();
  return { hi: hasher.hi, lo: hasher.lo };
}

function runFinder(keys: readonly { key: number; tag: number }[], memoryBytes: number, tempDir: string) {
  const finder = new RepeatFinder({ memoryBytes, tempDir });
  const found: Found[] = [];
  keys.forEach(({ key, tag }, line) => {
    const { hi, lo } = hashOf(key);
    const seen = finder.add(hi, lo, tag, 0, line);
    if (seen !== Seen.New) found.push({ kind: seen, line });
  });
  const spilled = finder.spilled;
  finder.finish((kind, _file, line, _firstFile, firstLine) => found.push({ kind, line, firstLine }));
  return { found, spilled };
}

describe("RepeatFinder", () => {
  it("finds exactly the repeats and conflicts a Map finds, in memory and after spilling to disk", () => {
    const tempDir = makeTempDir("ctrain-repeat-test-");
    let spilledRuns = 0;
    fc.assert(
      fc.property(
        fc.array(fc.record({ key: fc.integer({ min: 0, max: 400 }), tag: fc.integer({ min: 0, max: 2 }) }), {
          maxLength: 2000,
          size: "max",
        }),
        fc.constantFrom(16 * 12, 64 * 12, 1 << 20),
        (keys, memoryBytes) => {
          const { found, spilled } = runFinder(keys, memoryBytes, tempDir);
          if (spilled) spilledRuns++;
          const expected = expectedRepeats(keys);
          const byLine = (a: Found, b: Found) => a.line - b.line;
          expect(found.map(({ kind, line }) => ({ kind, line })).sort(byLine)).toEqual(
            expected.map(({ kind, line }) => ({ kind, line })).sort(byLine),
          );
          // Repeats settled from disk also say where the key first appeared.
          const firstLines = new Map(expected.map((item) => [item.line, item.firstLine]));
          for (const item of found.filter((item) => item.firstLine !== undefined)) {
            expect(item.firstLine).toBe(firstLines.get(item.line));
          }
        },
      ),
      { numRuns: 80 },
    );
    expect(spilledRuns).toBeGreaterThan(20);
    expect(readdirSync(tempDir)).toEqual([]);
  });

  it("keeps its table within the memory bound and removes its files when disposed", () => {
    const tempDir = makeTempDir("ctrain-repeat-test-");
    const finder = new RepeatFinder({ memoryBytes: 1024 * 12, tempDir });
    for (let key = 0; key < 5000; key++) {
      const { hi, lo } = hashOf(key);
      expect(finder.add(hi, lo, 0, 0, key)).toBe(Seen.New);
    }
    expect(finder.spilled).toBe(true);
    expect(readdirSync(tempDir)).toHaveLength(1);
    finder.dispose();
    expect(readdirSync(tempDir)).toEqual([]);
  });
});

describe("KeyHasher", () => {
  it("gives distinct hashes to a million distinct numbers, texts and rows, and the finder no false repeats", () => {
    const finder = new RepeatFinder({
      memoryBytes: 1 << 20,
      tempDir: makeTempDir("ctrain-repeat-test-"),
    });
    const hasher = new KeyHasher();
    const keys: [string, (h: KeyHasher, i: number) => KeyHasher][] = [
      ["integer", (h, i) => h.addNumber(i)],
      ["fraction", (h, i) => h.addNumber(i / 7)],
      ["text", (h, i) => h.addString(String(i))],
      [
        "row",
        (h, i) =>
          h
            .addColumn(0)
            .addString(String(i % 1000))
            .addColumn(1)
            .addString(String(Math.floor(i / 1000))),
      ],
    ];
    let line = 0;
    let repeats = 0;
    for (const [kind, add] of keys) {
      for (let i = 0; i < 300_000; i++) {
        add(hasher.reset().addColumn(kind.length), i).finish();
        if (finder.add(hasher.hi, hasher.lo, 0, 0, line++) !== Seen.New) repeats++;
      }
    }
    expect(finder.spilled).toBe(true);
    finder.finish(() => repeats++);
    expect(repeats).toBe(0);
  });

  it("tells cell boundaries, columns and kinds apart", () => {
    const hash = (build: (hasher: KeyHasher) => void) => {
      const hasher = new KeyHasher().reset();
      build(hasher);
      hasher.finish();
      return `${hasher.hi}:${hasher.lo}`;
    };
    const hashes = [
      hash((h) => h.addColumn(0).addString("ab").addColumn(1).addString("c")),
      hash((h) => h.addColumn(0).addString("a").addColumn(1).addString("bc")),
      hash((h) => h.addColumn(0).addString("abc")),
      hash((h) => h.addColumn(1).addString("abc")),
      hash((h) => h.addColumn(0).addValue(1)),
      hash((h) => h.addColumn(0).addValue("1")),
      hash((h) => h.addColumn(0).addValue(true)),
      hash((h) => h.addColumn(0).addValue(null)),
    ];
    expect(new Set(hashes).size).toBe(hashes.length);
    expect(hash((h) => h.addValue(0))).toBe(hash((h) => h.addValue(-0)));
  });
});
