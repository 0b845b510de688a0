import type { CheckResult, RecordedValue, ValidationDocument } from "@ctrain/core";

/** Great Expectations keeps 20 unexpected examples per result (`partial_unexpected_count`). */
export const PARTIAL_UNEXPECTED_COUNT = 20;
/** Long cell values are cut in examples so a report stays readable. */
const EXAMPLE_MAX_CHARS = 200;

export type Severity = "error" | "warn";
export type UnexpectedExample = CheckResult["result"]["partial_unexpected_list"][number];

/** Counts unexpected elements and keeps the first few, with where they are. */
export class UnexpectedTally {
  count = 0;
  readonly examples: UnexpectedExample[] = [];

  wantsExample(): boolean {
    return this.examples.length < PARTIAL_UNEXPECTED_COUNT;
  }

  add(value: RecordedValue, file?: string, line?: number): void {
    this.count++;
    if (this.examples.length < PARTIAL_UNEXPECTED_COUNT) this.examples.push(example(value, file, line));
  }
}

function example(value: RecordedValue, file?: string, line?: number): UnexpectedExample {
  const shown =
    typeof value === "string" && value.length > EXAMPLE_MAX_CHARS ? `${value.slice(0, EXAMPLE_MAX_CHARS)}…` : value;
  return { value: shown, ...(file === undefined ? {} : { file }), ...(line === undefined ? {} : { line }) };
}

/** What every result names: the check, its column, and how much it matters. */
export interface CheckIdentity {
  check: string;
  column?: string;
  severity: Severity;
}

/**
 * A column map check as Great Expectations scores it: the share of non-null values that are expected must reach
 * `mostly`; `unexpected_percent` is over non-null values; no non-null values at all is a success.
 */
export function mapResult(
  identity: CheckIdentity & { mostly: number },
  counts: { elements: number; nonNull: number; unexpected: UnexpectedTally },
  describe: (unexpected: number, percent: number) => string,
): CheckResult {
  const { elements, nonNull, unexpected } = counts;
  const percent = nonNull === 0 ? 0 : (100 * unexpected.count) / nonNull;
  const success = nonNull === 0 || (nonNull - unexpected.count) / nonNull >= identity.mostly;
  return {
    ...identity,
    success,
    message: describe(unexpected.count, percent) + mostlyNote(identity.mostly, percent),
    result: {
      element_count: elements,
      unexpected_count: unexpected.count,
      unexpected_percent: percent,
      partial_unexpected_list: unexpected.examples,
    },
  };
}

/** A check on the whole table or column (row count, shares, column sets): it passes or not, `mostly` does not apply. */
export function tableResult(
  identity: CheckIdentity,
  outcome: {
    success: boolean;
    message: string;
    elements: number;
    unexpected: number;
    observed?: RecordedValue;
    examples?: UnexpectedExample[];
    mostly?: number;
  },
): CheckResult {
  return {
    ...identity,
    success: outcome.success,
    ...(outcome.mostly === undefined ? {} : { mostly: outcome.mostly }),
    message: outcome.message,
    result: {
      element_count: outcome.elements,
      unexpected_count: outcome.unexpected,
      unexpected_percent: outcome.elements === 0 ? 0 : Math.min(100, (100 * outcome.unexpected) / outcome.elements),
      ...(outcome.observed === undefined ? {} : { observed_value: outcome.observed }),
      partial_unexpected_list: (outcome.examples ?? []).slice(0, PARTIAL_UNEXPECTED_COUNT),
    },
  };
}

function mostlyNote(mostly: number, percent: number): string {
  if (mostly >= 1) return "";
  return ` (mostly ${formatShare(mostly)}: at most ${formatPercent(100 * (1 - mostly))} may be unexpected, ${formatPercent(percent)} are)`;
}

/** The overall counts Great Expectations reports for a validation run. */
export function summarizeResults(results: readonly CheckResult[]): ValidationDocument["statistics"] {
  const successful = results.filter((result) => result.success).length;
  return {
    evaluated_expectations: results.length,
    successful_expectations: successful,
    unsuccessful_expectations: results.length - successful,
    success_percent: results.length === 0 ? null : (100 * successful) / results.length,
  };
}

/** A dataset passes when no check of severity `error` failed; failed warnings are reported but do not fail it. */
export function resultsPass(results: readonly CheckResult[]): boolean {
  return results.every((result) => result.success || result.severity === "warn");
}

export function formatPercent(percent: number): string {
  if (percent === 0 || percent >= 10) return `${Math.round(percent * 10) / 10}%`;
  return `${Number(percent.toPrecision(2))}%`;
}

export function formatShare(share: number): string {
  return String(Number(share.toPrecision(4)));
}

export { formatCount } from "@ctrain/core";
