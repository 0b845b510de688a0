import {
  ANNOTATIONS_PER_TYPE_PER_STEP,
  ANNOTATION_MESSAGE_MAX_CHARS,
  CHECK_TITLE_MAX_CHARS,
  type CheckResult,
  type ValidationDocument,
} from "@ctrain/core";
import { truncate } from "./escape.js";

/** A `::error file=...,line=...::` or `::warning` workflow command, so the PR diff shows the failing row. */
export interface RowAnnotation {
  level: "error" | "warning";
  file: string;
  line: number;
  title: string;
  message: string;
}

/**
 * Annotations for the first failing rows, within GitHub's limit per type per step (`budget` of each level; the
 * step's own failure message takes one error slot, so `stepFails` leaves one free). Input errors with a file:line
 * come first; then failed checks take turns, so one check with many bad rows cannot hide the others.
 */
export function rowAnnotations(
  validation: ValidationDocument,
  options: { budget?: number; stepFails?: boolean } = {},
): RowAnnotation[] {
  const budget = Math.min(options.budget ?? ANNOTATIONS_PER_TYPE_PER_STEP, ANNOTATIONS_PER_TYPE_PER_STEP);
  const room = { error: budget - (options.stepFails ? 1 : 0), warning: budget };
  const chosen: RowAnnotation[] = [];
  const take = (annotation: RowAnnotation): void => {
    if (room[annotation.level] <= 0) return;
    room[annotation.level]--;
    chosen.push(annotation);
  };
  for (const error of validation.errors) {
    const place = /^(.+?):(\d+)(?::\d+)?$/.exec(error.location ?? "");
    if (place)
      take({
        level: "error",
        file: place[1]!,
        line: Number(place[2]),
        title: "ctrain validate: unreadable input",
        message: truncate(error.message, ANNOTATION_MESSAGE_MAX_CHARS),
      });
  }
  const queues = validation.datasets.flatMap((dataset) =>
    dataset.results.filter((result) => !result.success).map((result) => annotationsOf(dataset.name, result)),
  );
  for (let turn = 0; queues.some((queue) => turn < queue.length); turn++) {
    for (const queue of queues) if (turn < queue.length) take(queue[turn]!);
  }
  return chosen;
}

function annotationsOf(dataset: string, result: CheckResult): RowAnnotation[] {
  const title = `ctrain validate: ${dataset} ${result.check}${result.column === undefined ? "" : ` (${result.column})`}`;
  return result.result.partial_unexpected_list
    .filter((example) => example.file !== undefined && example.line !== undefined && example.line > 0)
    .map((example) => ({
      level: result.severity === "error" ? "error" : "warning",
      file: example.file!,
      line: example.line!,
      title: truncate(title, CHECK_TITLE_MAX_CHARS),
      message: truncate(
        `unexpected value ${JSON.stringify(example.value)}: ${result.message}`,
        ANNOTATION_MESSAGE_MAX_CHARS,
      ),
    }));
}
