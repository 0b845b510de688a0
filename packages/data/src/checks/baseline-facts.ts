import type { ColumnRules } from "@ctrain/core";
import type { ColumnProfile, DatasetProfile } from "../profile/index.js";
import { parseCell } from "@ctrain/readers";

/** What the baseline tells the checks; every part is optional (a first run has no baseline). */
export interface BaselineFacts {
  /** A description for messages, e.g. "the baseline (main@1a2b3c4)". */
  description: string;
  rows?: number;
  /** The label column's values in the baseline, when its profile kept them all. */
  labels?: ReadonlySet<string>;
  /** Column rules inferred from the baseline's profile, for `schema: infer`. */
  inferredRules?: Readonly<Record<string, ColumnRules>>;
}

/** TFDV's `max_string_domain_size`: a string column with at most this many distinct values gets a domain. */
export const INFERRED_DOMAIN_MAX_VALUES = 100;

const RULE_TYPES: Partial<Record<ColumnProfile["type"], ColumnRules["type"]>> = {
  integer: "integer",
  float: "float",
  boolean: "boolean",
  string: "string",
};

/**
 * Column rules inferred from a baseline profile the way TFDV infers a schema: every column must exist; its type
 * (none for a mixed column); presence (no nulls allowed when the baseline had none); the baseline's numeric range;
 * NaN and infinities allowed only when the baseline had some; and a domain for string columns of at most 100
 * distinct values, counted exactly.
 */
export function inferColumnRules(profile: DatasetProfile): Record<string, ColumnRules> {
  const rules: Record<string, ColumnRules> = {};
  for (const [name, column] of Object.entries(profile.columns)) {
    const numeric = column.numeric;
    const nonFinite = numeric ? numeric.nanCount + numeric.positiveInfinityCount + numeric.negativeInfinityCount : 0;
    const rule: ColumnRules = { required: true, "allow-nan": nonFinite > 0, unique: false };
    const type = RULE_TYPES[column.type];
    if (type) rule.type = type;
    if (column.nullCount === 0 && column.count > 0) rule["max-null-share"] = 0;
    if ((type === "integer" || type === "float") && numeric?.min != null && numeric.max != null) {
      rule.min = numeric.min;
      rule.max = numeric.max;
    }
    const values = column.sketch.values;
    if (type === "string" && values.mode === "exact" && values.entries.length <= INFERRED_DOMAIN_MAX_VALUES) {
      rule["allowed-values"] = values.entries.map(([value]) => value).sort(compareText);
    }
    rules[name] = rule;
  }
  return rules;
}

/** What the checks use from a baseline profile: its row count, its labels (when all were kept) and inferred rules. */
export function baselineFacts(
  profile: DatasetProfile,
  options: { description: string; label?: string },
): BaselineFacts {
  const facts: BaselineFacts = {
    description: options.description,
    rows: profile.rows,
    inferredRules: inferColumnRules(profile),
  };
  const labelColumn = options.label === undefined ? undefined : profile.columns[options.label];
  if (labelColumn && labelColumn.sketch.values.mode === "exact") {
    facts.labels = new Set(labelColumn.sketch.values.entries.map(([value]) => String(value)));
  }
  return facts;
}

/**
 * A label as a class name, read the way profiles read values: CSV text that spells a number or a boolean is that
 * value ("1.0" and "1" are class "1"), so labels compare with the baseline profile's.
 */
export function labelClass(value: unknown, text: boolean): string {
  if (text) {
    const cell = parseCell(value as string);
    return cell === null ? (value as string) : String(cell);
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) return JSON.stringify(value);
  return String(value);
}

function compareText(a: string | number | boolean, b: string | number | boolean): number {
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
