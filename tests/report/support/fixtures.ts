import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RunDocument, parseDocument } from "@ctrain/core";
import { loadReportInput, type ReportInput, type ReportOptions } from "@ctrain/report";

export const FIXTURES = join(import.meta.dirname, "../../fixtures/report");
export const BUNDLES = ["pr-passed", "pr-failed", "first-run", "training-failed", "hostile"] as const;
export const LINK_PREFIX = "https://github.com/octo-org/churn-model/";
export const OPTIONS: ReportOptions = { id: "ctrain", linkPrefix: LINK_PREFIX };

/** The base branch's recent runs, newest first, as a baseline source's `history()` returns them. */
export function fixtureHistory(): RunDocument[] {
  const dir = join(FIXTURES, "history");
  return readdirSync(dir)
    .sort()
    .map((file) => parseDocument(readFileSync(join(dir, file), "utf8"), RunDocument, file));
}

export function fixtureInput(name: string): ReportInput {
  return { ...loadReportInput(join(FIXTURES, name), { untrusted: true }), history: fixtureHistory() };
}
