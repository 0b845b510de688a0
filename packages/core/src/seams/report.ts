import type { OverallVerdict } from "../bundle/documents.js";

/** A rendered report and where it went. */
export interface RenderedReport {
  /** Stable id so matrix jobs keep separate sticky comments. */
  id: string;
  /** Hidden line (an HTML comment) that starts `comment` and identifies this report's sticky comment. */
  marker: string;
  verdict: OverallVerdict;
  /** Markdown for the PR comment, already within the comment budget. */
  comment: string;
  /** Markdown for the job summary (may hold more detail than the comment). */
  summary: string;
  /** Overall verdict in words, for a check run's title. */
  title: string;
  conclusion: "success" | "failure" | "neutral";
  annotations: ReportAnnotation[];
  /** The full report as files relative to the bundle: report.md, report.html, charts/*.svg. */
  files: { path: string; content: string }[];
}

export interface ReportAnnotation {
  path: string;
  line: number;
  level: "notice" | "warning" | "failure";
  title: string;
  message: string;
}

export interface PublishedReport {
  /** Where each surface landed: a comment URL, a check run URL, a file path. */
  locations: { surface: string; location: string }[];
}

/** Where reports go: GitHub (comment, check run, summary) or local files. */
export interface ReportSink {
  publish(report: RenderedReport): Promise<PublishedReport>;
}
