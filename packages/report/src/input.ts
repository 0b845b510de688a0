import type { ComparisonDocument, ModelTestDocument, RunDocument, ValidationDocument } from "@ctrain/core";
import type { Calibration, SliceEvaluation } from "@ctrain/metrics";

/** What a report is rendered from; each section appears when its data exists. */
export interface ReportInput {
  run?: RunDocument;
  validation?: ValidationDocument;
  comparison?: ComparisonDocument;
  modelTest?: ModelTestDocument;
  /** The run's predictions evaluated: the calibration and slices sections (see `loadReportEvaluation`). */
  evaluation?: ReportEvaluation;
  /** The base branch's recent run records, newest first, for trends. */
  history?: RunDocument[];
  /** The baseline's own run record, for training resources; looked up in `history` when not given. */
  baselineRun?: RunDocument;
  /** A step that could not do its work: `what` it was to make ("comparison") and the error's message. */
  stepError?: { what: string; message: string };
}

export interface ReportOptions {
  /** Report id: one sticky comment and one check run per id (matrix jobs keep separate ones). */
  id: string;
  /** Comment budget in characters, marker included (GitHub refuses bodies above 65,536). */
  maxCommentChars?: number;
  /** Mermaid charts in markdown and SVG charts in the files. */
  charts?: boolean;
  /** How many base-branch runs the trend shows. */
  trendRuns?: number;
  /**
   * Only URLs under this prefix (e.g. `https://github.com/owner/repo/`) become links; any other URL found in a
   * document is shown as text. Without a prefix no URL from a document is linked.
   */
  linkPrefix?: string;
  /** The workflow run to link to, from a trusted source (the runner's context), overriding the documents'. */
  runUrl?: string;
  /** Where the full report lives, for the comment's link to it. */
  artifact?: { name: string; url?: string };
  /** Reference time for ages; defaults to when the newest document was created, so renders are reproducible. */
  now?: Date;
}

/** Input and options resolved once, as every section reads them. */
export interface ReportContext {
  input: ReportInput;
  id: string;
  charts: boolean;
  trendRuns: number;
  now: Date;
  runUrl?: string;
  artifact?: { name: string; url?: string };
  /** The URL if it may be linked, else undefined. */
  trustedUrl(url: string | undefined): string | undefined;
}

// Characters a link destination may hold unescaped in markdown and in an HTML attribute.
const URL_SAFE = /^[A-Za-z0-9\-._~:/?#@!$&'*+,;=%]+$/;

function trustedUrlWithin(prefix: string | undefined): (url: string | undefined) => string | undefined {
  return (url) => {
    if (!url || !prefix) return undefined;
    let href: string;
    try {
      href = new URL(url).href;
    } catch {
      return undefined;
    }
    return href.startsWith(prefix) && URL_SAFE.test(href) ? href : undefined;
  };
}

export function resolveContext(input: ReportInput, options: ReportOptions): ReportContext {
  const trustedUrl = trustedUrlWithin(options.linkPrefix);
  const times = [
    input.run?.finishedAt ?? input.run?.createdAt,
    input.validation?.createdAt,
    input.comparison?.createdAt,
    input.modelTest?.createdAt,
  ]
    .filter((time): time is string => time !== undefined)
    .map((time) => new Date(time).getTime());
  return {
    input,
    id: options.id,
    charts: options.charts ?? true,
    trendRuns: options.trendRuns ?? 20,
    now: options.now ?? new Date(times.length ? Math.max(...times) : 0),
    runUrl: trustedUrl(options.runUrl) ?? trustedUrl(input.run?.source.runUrl ?? input.comparison?.source?.runUrl),
    artifact: options.artifact,
    trustedUrl,
  };
}

/** What the run's predictions show beyond its metrics: the reliability curve and every slice, gated or not. */
export interface ReportEvaluation {
  calibration?: Calibration;
  slices: readonly SliceEvaluation[];
}
