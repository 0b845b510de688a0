import { stringify } from "yaml";
import type {
  ComparisonDocument,
  ModelConfig,
  ModelTestDocument,
  ProfileDocument,
  RecordedValue,
  RunDocument,
  RunSource,
  ValidationDocument,
} from "@ctrain/core";
import type { ApprovalRecord, ManifestFile } from "./manifest.js";
import { formatBytes, isReportedCopy } from "@ctrain/core";
import { MODEL_TEST_FIGURE_LABELS } from "@ctrain/core";
import { formatNumber, formatPercentChange, formatSigned, markdownText } from "@ctrain/report";
import { formatValue, inlineCode, markdownTable } from "./markdown.js";

/** The release text stays short: the summary table shows this many metrics and links to the card for the rest. */
export const SUMMARY_METRICS_MAX = 50;
/** Evaluation rows in the card; a sweep can log thousands of metrics. */
const EVALUATION_ROWS_MAX = 500;
/** Longest description or section text kept in the card; names and values keep the report's shorter limit. */
const PROSE_MAX_CHARS = 5000;
/** Columns listed per dataset profile. */
const PROFILE_COLUMNS_MAX = 30;

export interface ModelCardInput {
  model: ModelConfig;
  version: string;
  tag: string;
  run: RunDocument;
  comparison?: ComparisonDocument;
  validation?: ValidationDocument;
  /** What the model test measured: shown as the card's serving figures. */
  modelTest?: ModelTestDocument;
  profiles: ProfileDocument[];
  /** The champion this version is measured against in the summary. */
  previous?: { tag: string; metrics: Record<string, RecordedValue> };
  approval: ApprovalRecord;
  modelFiles: ManifestFile[];
  /** The run that published (it may differ from the run that trained). */
  publisher?: RunSource;
  bundleDigest: string;
}

export interface ModelCard {
  /** `model-card.md`: Hugging Face front matter and the sections below it. */
  markdown: string;
  /** The release body: metrics against the previous release. */
  summary: string;
  /** The front matter as data, for tests and tools. */
  frontMatter: Record<string, unknown>;
}

function numericMetrics(metrics: Record<string, RecordedValue>): [string, number][] {
  return Object.entries(metrics)
    .filter((entry): entry is [string, number] => typeof entry[1] === "number" && Number.isFinite(entry[1]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The dataset a card's results refer to: the evaluation set when one is named so, else the last one recorded. */
function evaluationDataset(run: RunDocument): RunDocument["datasets"][number] | undefined {
  return run.datasets.find((dataset) => /test|eval|valid|holdout/i.test(dataset.name)) ?? run.datasets.at(-1);
}

/**
 * model-index lists how good the model is: not counts of rows or features, nor a metric file's copy of a value ctrain
 * evaluated itself (`metrics.json:accuracy`).
 */
function isModelQualityMetric(name: string): boolean {
  const last = name.split(/[./]/).at(-1)!;
  return !isReportedCopy(name) && !/^(example_count|query_count|n_features|n_samples|n_rows|rows|count)$/.test(last);
}

/** Hugging Face model card metadata: `model-index` with the task, the dataset and the metrics. */
export function modelCardFrontMatter(input: ModelCardInput): Record<string, unknown> {
  const dataset = evaluationDataset(input.run);
  return {
    ...(input.model.license ? { license: input.model.license } : {}),
    tags: ["ctrain", input.model.task],
    "model-index": [
      {
        name: input.model.name,
        results: [
          {
            task: { type: input.model.task },
            dataset: dataset
              ? { type: dataset.name, name: dataset.name, revision: dataset.fingerprint }
              : { type: "custom", name: "unspecified" },
            metrics: numericMetrics(input.run.metrics)
              .filter(([name]) => isModelQualityMetric(name))
              .map(([name, value]) => ({ type: name, name, value })),
          },
        ],
      },
    ],
  };
}

function change(current: number, previous: number): string {
  const delta = current - previous;
  const relative = previous !== 0 ? ` (${formatPercentChange(delta / Math.abs(previous))})` : "";
  return `${formatSigned(delta)}${relative}`;
}

/** Metrics of this version beside the previous release's, as the release body shows them. */
export function renderSummary(input: ModelCardInput): string {
  const metrics = numericMetrics(input.run.metrics);
  const lines = [`**${markdownText(input.tag)}**`];
  if (input.previous) {
    lines[0] += ` against the previous release **${markdownText(input.previous.tag)}**`;
    const rows = metrics.slice(0, SUMMARY_METRICS_MAX).map(([name, value]) => {
      const before = input.previous!.metrics[name];
      return [
        markdownText(name),
        formatNumber(value),
        formatValue(before),
        typeof before === "number" ? change(value, before) : "-",
      ];
    });
    lines.push(
      "",
      markdownTable(["metric", "this version", markdownText(input.previous.tag), "change"], ["l", "r", "r", "r"], rows),
    );
  } else {
    lines[0] += ": the first release of this model";
    const rows = metrics
      .slice(0, SUMMARY_METRICS_MAX)
      .map(([name, value]) => [markdownText(name), formatNumber(value)]);
    lines.push("", markdownTable(["metric", "value"], ["l", "r"], rows));
  }
  if (metrics.length === 0) lines.splice(1, 2, "", "No numeric metrics were recorded.");
  if (metrics.length > SUMMARY_METRICS_MAX) {
    lines.push("", `${metrics.length - SUMMARY_METRICS_MAX} more metrics are listed in model-card.md.`);
  }
  return lines.join("\n");
}

function link(text: string, url: string | undefined): string {
  return url ? `[${markdownText(text)}](${encodeURI(url)})` : markdownText(text);
}

function repositoryUrl(source: RunSource): string | undefined {
  if (!source.repository || !source.runUrl) return undefined;
  return `${new URL(source.runUrl).origin}/${source.repository}`;
}

function pickleWarning(files: ManifestFile[]): string[] {
  const pickles = files.filter((file) => file.pickle);
  if (pickles.length === 0) return [];
  return [
    "> [!WARNING]",
    `> ${pickles.map((file) => inlineCode(file.path)).join(", ")} ${pickles.length === 1 ? "is a Python pickle" : "are Python pickles"}: ` +
      "loading a pickle runs code stored in it. Load only files whose sha256 matches manifest.json " +
      "(the fetch-model action checks this), from releases of a repository you trust.",
    "",
  ];
}

function detailsSection(input: ModelCardInput): string[] {
  const rows = input.modelFiles.map((file) => [
    inlineCode(file.path),
    formatBytes(file.bytes),
    inlineCode(file.sha256),
    file.parts.length > 1 ? `${file.parts.length} parts` : "whole",
  ]);
  return [
    "## Model details",
    "",
    `- Version: ${markdownText(input.version)} (tag ${inlineCode(input.tag)})`,
    `- Task: ${markdownText(input.model.task)}`,
    ...(input.model.license ? [`- License: ${markdownText(input.model.license)}`] : []),
    "",
    markdownTable(["file", "size", "sha256", "stored"], ["l", "r", "l", "l"], rows),
    "",
  ];
}

function textSection(title: string, text: string | undefined, missing: string): string[] {
  return [`## ${title}`, "", text ? markdownText(text, PROSE_MAX_CHARS) : `_${missing}_`, ""];
}

function trainingDataSection(input: ModelCardInput): string[] {
  const lines = ["## Training data", ""];
  if (input.run.datasets.length === 0) return [...lines, "_The run recorded no datasets._", ""];
  const rows = input.run.datasets.map((dataset) => [
    markdownText(dataset.name),
    String(
      dataset.rows ??
        input.profiles.find((profile) => profile.dataset === dataset.name)?.rows ??
        input.validation?.datasets.find((validated) => validated.name === dataset.name)?.rows ??
        "-",
    ),
    String(dataset.files.length),
    inlineCode(dataset.fingerprint),
  ]);
  lines.push(markdownTable(["dataset", "rows", "files", "fingerprint"], ["l", "r", "r", "l"], rows), "");
  for (const profile of input.profiles) {
    const columns = Object.entries(profile.columns);
    const listed = columns
      .slice(0, PROFILE_COLUMNS_MAX)
      .map(([name, column]) => `${inlineCode(name)} (${markdownText(column.type)})`);
    const more = columns.length > PROFILE_COLUMNS_MAX ? `, and ${columns.length - PROFILE_COLUMNS_MAX} more` : "";
    lines.push(
      `- Profile of ${markdownText(profile.dataset)}: ${profile.rows} rows, ${columns.length} columns: ${listed.join(", ")}${more}`,
    );
  }
  if (input.validation) {
    const stats = input.validation.statistics;
    lines.push(
      `- Validation: ${stats.successful_expectations} of ${stats.evaluated_expectations} checks passed` +
        (input.validation.success ? "" : " (failed)"),
    );
  }
  if (input.profiles.length || input.validation) lines.push("");
  return lines;
}

/** The baseline as a stranger reading a release can use it: never a path on the publisher's machine. */
function comparedWith(baseline: NonNullable<ModelCardInput["comparison"]>["baseline"]): string {
  const commit = baseline.commit ? ` at ${inlineCode(baseline.commit.slice(0, 12))}` : "";
  switch (baseline.kind) {
    case "none":
      return "Not compared with a baseline (none was available)";
    case "local":
    case "path":
    case "git":
      return `Compared with a ${baseline.kind === "git" ? "git" : "local"} run${baseline.ref ? ` of ${markdownText(baseline.ref)}` : ""}${commit}`;
    default:
      return `Compared with ${markdownText(baseline.description)}`;
  }
}

function evaluationSection(input: ModelCardInput): string[] {
  const lines = ["## Evaluation", ""];
  const comparison = input.comparison;
  if (comparison) {
    lines.push(`${comparedWith(comparison.baseline)}; verdict: **${comparison.verdict}**.`, "");
    const metricRows = comparison.rows.filter((row) => row.kind === "metric");
    const rows = metricRows
      .slice(0, EVALUATION_ROWS_MAX)
      .map((row) => [
        markdownText(row.name),
        formatValue(row.candidate),
        formatValue(row.baseline),
        row.delta === null ? "-" : formatNumber(row.delta),
        row.interval
          ? `[${formatNumber(row.interval.low)}, ${formatNumber(row.interval.high)}] (${formatNumber(row.interval.confidence * 100)}% ${markdownText(row.interval.method)})`
          : "-",
        row.threshold ? markdownText(row.threshold) : "-",
        row.verdict ?? "-",
      ]);
    if (rows.length) {
      lines.push(
        markdownTable(
          ["metric", "value", "baseline", "delta", "interval of delta", "threshold", "verdict"],
          ["l", "r", "r", "r", "l", "l", "l"],
          rows,
        ),
        "",
      );
    }
    if (metricRows.length > EVALUATION_ROWS_MAX)
      lines.push(`${metricRows.length - EVALUATION_ROWS_MAX} more rows are in comparison.json.`, "");
  } else {
    lines.push("_No comparison was recorded._", "");
  }
  lines.push("### Against the previous release", "", renderSummary(input), "");
  return lines;
}

/** How the model served in its model test: cold start, latency, memory, size, each against its budget. */
function servingSection(input: ModelCardInput): string[] {
  const test = input.modelTest;
  if (!test) return [];
  const lines = ["## Serving", ""];
  const ran = `${inlineCode(test.command)}${test.image ? ` in ${inlineCode(test.image)}` : ""}`;
  const contract = test.contract
    ? `; ${test.contract.checked - test.contract.failed} of ${test.contract.checked} responses kept the contract`
    : "";
  lines.push(
    `Loaded and served by ${ran} on ${test.inputs.requests} golden inputs${contract}; verdict: **${test.passed ? "passed" : "failed"}**.`,
    "",
  );
  const rows = test.figures.map((figure) => {
    const unit = figure.name.endsWith("-ms") ? "ms" : "MiB";
    return [
      MODEL_TEST_FIGURE_LABELS[figure.name],
      `${formatNumber(figure.value)} ${unit}`,
      figure.budget === undefined ? "-" : `${formatNumber(figure.budget)} ${unit}`,
      figure.passed ? "passed" : "failed",
    ];
  });
  if (rows.length) lines.push(markdownTable(["figure", "value", "budget", "verdict"], ["l", "r", "r", "l"], rows), "");
  if (test.latency) {
    lines.push(
      `Latency over ${test.latency.requests} timed requests after ${test.latency.warmUp} warm-up requests, one at a time.`,
      "",
    );
  }
  return lines;
}

function lineageSection(input: ModelCardInput): string[] {
  const source = input.run.source;
  const repo = repositoryUrl(source);
  const lines = ["## Lineage", ""];
  if (source.repository) lines.push(`- Repository: ${link(source.repository, repo)}`);
  if (source.commit)
    lines.push(`- Commit: ${link(source.commit.slice(0, 12), repo && `${repo}/commit/${source.commit}`)}`);
  if (source.branch ?? source.ref) lines.push(`- Branch: ${inlineCode(source.branch ?? source.ref!)}`);
  if (source.pullRequest)
    lines.push(`- Pull request: ${link(`#${source.pullRequest}`, repo && `${repo}/pull/${source.pullRequest}`)}`);
  if (source.runUrl) lines.push(`- Training run: ${link(source.workflow ?? "workflow run", source.runUrl)}`);
  if (input.publisher?.runUrl && input.publisher.runUrl !== source.runUrl) {
    lines.push(`- Published by: ${link(input.publisher.workflow ?? "workflow run", input.publisher.runUrl)}`);
  }
  lines.push(`- Approval: ${markdownText(input.approval.reason)}`);
  if (input.approval.approvers.length)
    lines.push(`- Approved by: ${input.approval.approvers.map((approver) => markdownText(approver)).join(", ")}`);
  lines.push(`- Run bundle digest: ${inlineCode(input.bundleDigest)}`, "");
  return lines;
}

/** Renders `model-card.md` and the release body from the bundle's documents and the model's config. */
export function renderModelCard(input: ModelCardInput): ModelCard {
  const frontMatter = modelCardFrontMatter(input);
  const body = [
    `# ${markdownText(input.model.name)} ${markdownText(input.version)}`,
    "",
    ...(input.model.description ? [markdownText(input.model.description, PROSE_MAX_CHARS), ""] : []),
    ...pickleWarning(input.modelFiles),
    ...detailsSection(input),
    ...textSection("Intended use", input.model["intended-use"], "Not stated: set `model.intended-use` in ctrain.yml."),
    ...textSection("Limitations", input.model.limitations, "Not stated: set `model.limitations` in ctrain.yml."),
    ...trainingDataSection(input),
    ...evaluationSection(input),
    ...servingSection(input),
    ...lineageSection(input),
  ];
  const markdown = `---\n${stringify(frontMatter)}---\n\n${body.join("\n")}`;
  return { markdown, summary: renderSummary(input), frontMatter };
}
