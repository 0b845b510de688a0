import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DatasetConfig, type CheckResult, type DatasetConfig as DatasetConfigType } from "@ctrain/core";
import { DatasetChecks, type BaselineFacts } from "@ctrain/data";
import { readBatches } from "@ctrain/readers";
import { tempDir } from "../../support/temp-dir.js";

/** A temporary folder holding the given files (text, or bytes). */
export function workspace(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir("ctrain-checks-");
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

export interface CheckRun {
  results: CheckResult[];
  notices: string[];
  /** The one result of `check` (on `column`, when given); fails the test when there is not exactly one. */
  result(check: string, column?: string): CheckResult;
}

/** Runs every configured check of one dataset over its files, as the validation pipeline does. */
export async function runChecks(
  dir: string,
  config: Partial<DatasetConfigType> | Record<string, unknown>,
  options: { baseline?: BaselineFacts; chunkBytes?: number; tempDir?: string } = {},
): Promise<CheckRun> {
  const parsed = DatasetConfig.parse(config);
  const notices: string[] = [];
  const checks = await DatasetChecks.create({
    name: "train",
    config: parsed,
    cwd: dir,
    baseline: options.baseline,
    tempDir: options.tempDir,
    notice: (message) => notices.push(message),
  });
  for await (const batch of readBatches(parsed.path, { cwd: dir, chunkBytes: options.chunkBytes }))
    checks.observe(batch);
  const results = checks.results();
  return {
    results,
    notices,
    result(check, column) {
      const matching = results.filter(
        (result) => result.check === check && (column === undefined || result.column === column),
      );
      if (matching.length !== 1) {
        throw new Error(
          `expected one ${check}${column ? ` on ${column}` : ""}, found ${matching.length}: ${results.map((r) => `${r.check}(${r.column ?? ""})`).join(" ")}`,
        );
      }
      return matching[0]!;
    },
  };
}

/** The unexpected examples of a result as `value@file:line`, for compact assertions. */
export function examples(result: CheckResult): string[] {
  return result.result.partial_unexpected_list.map(
    (item) => `${item.value === null ? "null" : String(item.value)}@${item.file ?? "?"}:${item.line ?? "?"}`,
  );
}
