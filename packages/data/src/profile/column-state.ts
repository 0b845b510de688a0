import { UserError } from "@ctrain/core";
import type { ColumnParts } from "./column-parts.js";
import { StringLengths } from "./column-parts.js";
import { decodeBase64, decodeFloat64, encodeBytes, encodeFloat64 } from "./codec.js";
import { HLL_MAX_REGISTER, HLL_REGISTER_COUNT, HyperLogLog } from "./hyperloglog.js";
import { KllSketch } from "./kll.js";
import { Moments } from "./moments.js";
import { isUsableRandomState, Random } from "@ctrain/stats";
import { Reservoir } from "./reservoir.js";
import type { ColumnSketchState } from "./schema.js";
import { ColumnProfile } from "./schema.js";
import { ValueSketch } from "./value-sketch.js";

/** The sketch part of a saved column profile. */
export function encodeSketchState(parts: ColumnParts): ColumnSketchState {
  const quantiles = parts.quantiles.state();
  const values = parts.values.state();
  return {
    random: parts.random.state(),
    m2: parts.moments.m2,
    quantiles: { k: quantiles.k, levels: quantiles.levels.map(encodeFloat64), block: encodeFloat64(quantiles.block) },
    reservoir: {
      capacity: parts.reservoir.capacity,
      seen: parts.reservoir.seen,
      values: encodeFloat64(parts.reservoir.sample()),
    },
    values: {
      mode: values.mode,
      limit: values.limit,
      entries: values.entries,
      errorBound: values.errorBound,
      distinct: values.distinct ? encodeBytes(values.distinct.registers) : null,
      fingerprint: values.fingerprint,
    },
  };
}

const REBUILD_HINT = "the profile was edited or written by something else; profile the data again to rebuild it";

/**
 * Checks a saved column profile (shape, then consistency of counts and sketch state) and rebuilds the
 * profiler's parts. Throws a UserError naming `location` and the key that is wrong.
 */
export function decodeColumnParts(input: unknown, location: string): ColumnParts {
  const parsed = ColumnProfile.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw invalid(location, issue.path, issue.message);
  }
  const profile = parsed.data;
  const { numeric, sketch } = profile;
  const check = (ok: boolean, path: PropertyKey[], message: string): void => {
    if (!ok) throw invalid(location, path, message);
  };

  const counts = {
    count: profile.count,
    nullCount: profile.nullCount,
    numberCount: profile.numberCount,
    stringCount: profile.stringCount,
    booleanCount: profile.booleanCount,
    integerCount: numeric?.integerCount ?? 0,
    nanCount: numeric?.nanCount ?? 0,
    positiveInfinityCount: numeric?.positiveInfinityCount ?? 0,
    negativeInfinityCount: numeric?.negativeInfinityCount ?? 0,
  };
  check(
    counts.count === counts.nullCount + counts.numberCount + counts.stringCount + counts.booleanCount,
    ["count"],
    "count is not nullCount + numberCount + stringCount + booleanCount",
  );
  check((numeric !== null) === counts.numberCount > 0, ["numeric"], "numeric is present exactly when numberCount > 0");
  const finite = numeric?.count ?? 0;
  check(
    counts.numberCount === finite + counts.nanCount + counts.positiveInfinityCount + counts.negativeInfinityCount,
    ["numeric", "count"],
    "numberCount is not the finite, NaN and infinite counts added up",
  );
  check(counts.integerCount <= finite, ["numeric", "integerCount"], "more integers than finite numbers");

  const moments = new Moments();
  if (numeric && finite > 0) {
    const { min, max, mean } = numeric;
    check(
      min !== null && max !== null && mean !== null && min <= max,
      ["numeric", "min"],
      "min, max and mean are needed, min <= max",
    );
    Object.assign(moments, { count: finite, mean, m2: sketch.m2, min, max });
  }

  const stringLengths = new StringLengths();
  check(
    (profile.string !== null) === counts.stringCount > 0,
    ["string"],
    "string is present exactly when stringCount > 0",
  );
  if (profile.string) {
    const { minLength, maxLength, totalLength } = profile.string;
    check(minLength <= maxLength, ["string", "minLength"], "minLength is above maxLength");
    Object.assign(stringLengths, { count: counts.stringCount, min: minLength, max: maxLength, total: totalLength });
  }

  check(isUsableRandomState(sketch.random), ["sketch", "random"], "the all-zero generator state cannot be resumed");
  const random = Random.fromState(sketch.random);

  const levels = sketch.quantiles.levels.map((text, level) =>
    finiteFloats(text, ["sketch", "quantiles", "levels", level], check),
  );
  const block = finiteFloats(sketch.quantiles.block, ["sketch", "quantiles", "block"], check);
  const quantiles = KllSketch.fromState({ k: sketch.quantiles.k, levels, block, random });

  const { capacity, seen } = sketch.reservoir;
  const sample = finiteFloats(sketch.reservoir.values, ["sketch", "reservoir", "values"], check);
  check(seen === finite, ["sketch", "reservoir", "seen"], "the reservoir has not seen every finite number");
  check(
    sample.length === Math.min(seen, capacity),
    ["sketch", "reservoir", "values"],
    "sample size is not min(seen, capacity)",
  );
  const reservoir = new Reservoir(capacity, random, sample, seen);

  const valueCount = finite + counts.stringCount + counts.booleanCount;
  const values = decodeValueSketch(sketch.values, check);
  const counted = sketch.values.entries.reduce((sum, [, count]) => sum + count, 0);
  check(
    sketch.values.mode === "exact" ? counted === valueCount : counted <= valueCount,
    ["sketch", "values", "entries"],
    "the value counts do not add up to the finite numbers, strings and booleans",
  );
  return { counts, moments, stringLengths, random, quantiles, reservoir, values };
}

function decodeValueSketch(
  state: ColumnSketchState["values"],
  check: (ok: boolean, path: PropertyKey[], message: string) => void,
): ValueSketch {
  const path = ["sketch", "values"];
  const keys = new Set(state.entries.map(([value]) => value));
  check(keys.size === state.entries.length, [...path, "entries"], "a value is listed twice");
  const bound = state.mode === "exact" ? state.limit : 2 * state.limit;
  check(state.entries.length <= bound, [...path, "entries"], `more entries than the limit allows (${bound})`);
  check(
    state.mode === "exact" || state.entries.every(([value]) => typeof value !== "number"),
    [...path, "entries"],
    "approximate counts keep no numbers",
  );
  check(
    state.mode === "approximate" || state.errorBound === 0,
    [...path, "errorBound"],
    "only approximate counts have an error",
  );
  check(
    (state.distinct === null) === (state.mode === "exact"),
    [...path, "distinct"],
    "registers are kept exactly when counts are not exact",
  );
  let distinct: HyperLogLog | null = null;
  if (state.distinct !== null) {
    const registers = decodeBase64(state.distinct);
    check(
      registers?.length === HLL_REGISTER_COUNT,
      [...path, "distinct"],
      `not ${HLL_REGISTER_COUNT} base64 registers`,
    );
    check(
      registers!.every((register) => register <= HLL_MAX_REGISTER),
      [...path, "distinct"],
      "a register is out of range",
    );
    distinct = new HyperLogLog(new Uint8Array(registers!));
  }
  return ValueSketch.fromState({ ...state, distinct });
}

function finiteFloats(
  text: string,
  path: PropertyKey[],
  check: (ok: boolean, path: PropertyKey[], message: string) => void,
): Float64Array {
  const values = decodeFloat64(text);
  check(values !== undefined, path, "not base64 of float64 values");
  check(values!.every(Number.isFinite), path, "holds a value that is not a finite number");
  return values!;
}

function invalid(location: string, path: PropertyKey[], message: string): UserError {
  const key = path.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
  return new UserError(`invalid column profile at ${key || "(top)"}: ${message}`, { location, hint: REBUILD_HINT });
}
