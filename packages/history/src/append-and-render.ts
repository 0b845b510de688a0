import { join } from "node:path";
import { writeFileAtomic } from "@ctrain/core";
import type { HistoryRecord } from "./record.js";
import { renderHistorySite } from "./site/page.js";
import type { HistoryStore } from "./store.js";
import { historyExclusionReason, readRunDocuments, summarizeRun } from "./summarize.js";

export interface AppendAndRenderOptions {
  store: HistoryStore;
  /** The run bundle to add; without one the site is only rebuilt from the store. */
  bundleDir?: string;
  /** Where index.html is written. */
  outDir: string;
  /** The branch whose history this is (the repository's default branch). */
  branch: string;
  /** The release tag the run's model was published as. */
  release?: string;
  /** The record's id for a run without a workflow run id (the local store's `<branch>/<n>`). */
  id?: string;
  /** `owner/name`, for the page's title. */
  repository?: string;
  log?: (line: string) => void;
  now?: Date;
}

export interface AppendAndRenderResult {
  /** The record added, or why the run was left out of the history. */
  appended?: HistoryRecord;
  skipped?: string;
  runs: number;
  /** Store lines refused as damaged or hostile, each named. */
  refused: string[];
  sitePath: string;
  siteBytes: number;
}

/**
 * `ctrain history` and the workflow's history job: add a trusted run of the branch to the store, then render the
 * site from everything the store holds.
 */
export async function appendAndRender(options: AppendAndRenderOptions): Promise<AppendAndRenderResult> {
  const log = options.log ?? (() => undefined);
  let appended: HistoryRecord | undefined;
  let skipped: string | undefined;
  let contents;
  if (options.bundleDir !== undefined) {
    const documents = readRunDocuments(options.bundleDir);
    skipped = historyExclusionReason(documents.run, options.branch);
    if (skipped === undefined) {
      appended = summarizeRun(documents, { id: options.id, release: options.release });
      contents = await options.store.append([appended]);
      log(`history: recorded ${appended.id} in ${options.store.label} (${contents.records.length} runs)`);
    } else log(`history: run left out of the history of ${options.branch}: ${skipped}`);
  }
  contents ??= await options.store.read();
  for (const line of contents.refused) log(`history: refused store line ${line}`);
  const html = renderHistorySite(contents.records, {
    repository: options.repository,
    branch: options.branch,
    generatedAt: options.now ?? new Date(),
    refused: contents.refused.length,
  });
  const sitePath = join(options.outDir, "index.html");
  writeFileAtomic(sitePath, html);
  const siteBytes = Buffer.byteLength(html);
  log(`history: wrote ${sitePath} (${contents.records.length} runs, ${siteBytes} bytes)`);
  return { appended, skipped, runs: contents.records.length, refused: contents.refused, sitePath, siteBytes };
}
