import type { ReportAnnotation } from "@ctrain/core";
import { ANNOTATION_MESSAGE_MAX_CHARS, CHECK_TITLE_MAX_CHARS } from "@ctrain/core";
import { singleLine } from "./escape.js";
import type { ReportInput } from "./input.js";

/** At most this many annotations per report: ten update calls of 50, and more would drown the diff anyway. */
export const ANNOTATIONS_MAX = 500;
/** Data rows annotated per failed check; the rest are counted in the report. */
const ROWS_PER_CHECK = 10;

const plain = (value: string, max: number): string => singleLine(value, max);

/**
 * Check-run annotations: failing metrics on the metric file that recorded them, failed data checks on the rows
 * that broke them, drifted columns on their dataset's first file. Failing metrics come first so a cap never hides them.
 */
export function reportAnnotations(input: ReportInput): ReportAnnotation[] {
  const annotations: ReportAnnotation[] = [];
  const metricFile = input.run?.metricFiles[0] ?? "ctrain.yml";
  for (const row of input.comparison?.rows ?? []) {
    if (row.kind !== "metric" || (row.verdict !== "failed" && row.verdict !== "inconclusive")) continue;
    annotations.push({
      path: metricFile,
      line: 1,
      level: row.verdict === "failed" ? "failure" : "warning",
      title: plain(`metric ${row.name} ${row.verdict}`, CHECK_TITLE_MAX_CHARS),
      message: plain(row.reasons.join("\n") || `${row.name}: ${row.verdict}`, ANNOTATION_MESSAGE_MAX_CHARS),
    });
  }
  for (const dataset of input.validation?.datasets ?? []) {
    for (const result of dataset.results) {
      if (result.success) continue;
      const level = result.severity === "error" ? "failure" : "warning";
      const title = plain(
        `${result.check}${result.column === undefined ? "" : ` on ${result.column}`}`,
        CHECK_TITLE_MAX_CHARS,
      );
      const rows = result.result.partial_unexpected_list
        .filter((example) => example.file !== undefined)
        .slice(0, ROWS_PER_CHECK);
      for (const example of rows) {
        annotations.push({
          path: example.file!,
          line: Math.max(1, example.line ?? 1),
          level,
          title,
          message: plain(`${result.message} (value: ${JSON.stringify(example.value)})`, ANNOTATION_MESSAGE_MAX_CHARS),
        });
      }
    }
    const firstFile = dataset.files[0]?.path;
    if (!firstFile) continue;
    for (const column of dataset.drift?.columns ?? []) {
      if (!column.drifted) continue;
      annotations.push({
        path: firstFile,
        line: 1,
        level: "warning",
        title: plain(`column ${column.column} drifted`, CHECK_TITLE_MAX_CHARS),
        message: plain(
          `${column.test} score ${column.statistic} against threshold ${column.threshold}`,
          ANNOTATION_MESSAGE_MAX_CHARS,
        ),
      });
    }
  }
  return annotations.slice(0, ANNOTATIONS_MAX);
}
