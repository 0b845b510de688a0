import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ColumnProfiler, parseBooleanText, parseNumberText } from "../../../packages/data/src/profile/index.js";

describe("reading raw text as a number", () => {
  it("reads back every finite double in JS and exponent notation", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        expect(Object.is(parseNumberText(String(x)), x)).toBe(true);
        expect(parseNumberText(x.toExponential())).toBe(x);
      }),
      { seed: 71 },
    );
  });

  it.each([
    ["42", 42],
    ["-3.5", -3.5],
    ["+5", 5],
    ["5.", 5],
    [".5", 0.5],
    ["007", 7],
    ["1e3", 1000],
    ["1E-2", 0.01],
    ["1e400", Infinity],
    ["NaN", NaN],
    ["nan", NaN],
    ["inf", Infinity],
    ["-Infinity", -Infinity],
  ])("reads %j as %d", (text, value) => {
    expect(parseNumberText(text)).toBe(value);
  });

  it.each(["", " 1", "1 ", "0x1F", "0b11", "0o7", "1_000", ".", "-", "1e", "1.2.3", "Infinityx", "12abc", "true"])(
    "refuses %j",
    (text) => {
      expect(parseNumberText(text)).toBeUndefined();
    },
  );
});

describe("reading raw text as a boolean", () => {
  it.each([
    ["true", true],
    ["False", false],
    ["TRUE", true],
    ["yes", undefined],
    ["1", undefined],
    ["truth", undefined],
  ])("reads %j as %s", (text, value) => {
    expect(parseBooleanText(text)).toBe(value);
  });
});

describe("a column fed raw text", () => {
  it("infers numbers, booleans and strings value by value, and reads null texts as null", () => {
    const profiler = new ColumnProfiler("c", { nullTexts: ["", "NA"] });
    profiler.addRawBatch(["1", "2.5", "NA", "", "true", "x", null, "nan"]);
    const profile = profiler.toProfile();
    expect(profile).toMatchObject({
      type: "mixed",
      count: 8,
      nullCount: 3,
      numberCount: 3,
      booleanCount: 1,
      stringCount: 1,
    });
    expect(profile.numeric).toMatchObject({ count: 2, nanCount: 1, min: 1, max: 2.5 });
  });

  it("keeps texts that are not numbers as strings when told the column holds numbers", () => {
    const profiler = new ColumnProfiler("c");
    profiler.addRawBatch(["1", "true", "n/a"], "number");
    expect(profiler.toProfile()).toMatchObject({ numberCount: 1, booleanCount: 0, stringCount: 2 });
  });

  it("reads every text as a string when told so", () => {
    const profiler = new ColumnProfiler("c");
    profiler.addRawBatch(["1", "true", ""], "string");
    expect(profiler.toProfile()).toMatchObject({ type: "string", stringCount: 2, nullCount: 1 });
  });
});
