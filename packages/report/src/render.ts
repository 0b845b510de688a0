import {
  COMMENT_BODY_BUDGET_CHARS,
  CHECK_TITLE_MAX_CHARS,
  STEP_SUMMARY_MAX_BYTES,
  type RenderedReport,
  type RunDocument,
} from "@ctrain/core";
import { reportAnnotations } from "./annotations.js";
import { joinInline, label, paragraph, plainText, type Block } from "./document.js";
import { singleLine } from "./escape.js";
import { countBytes, countChars, fitSections, type Measure, type RenderCache, type Section } from "./fit.js";
import { htmlPage } from "./html.js";
import { resolveContext, type ReportContext, type ReportInput, type ReportOptions } from "./input.js";
import { markdownBlocks } from "./markdown.js";
import { calibrationSection } from "./sections/calibration.js";
import { classificationSection } from "./sections/classification.js";
import { curvesSection } from "./sections/curves.js";
import { examplesSection } from "./sections/examples.js";
import { countFailures } from "./sections/failures.js";
import { headerSection } from "./sections/header.js";
import { leaderboardSection } from "./sections/leaderboard.js";
import { linksSection } from "./sections/links.js";
import { metricsSection } from "./sections/metrics.js";
import { modelTestSection } from "./sections/model-test.js";
import { paramsSection } from "./sections/params.js";
import { resourcesSection } from "./sections/resources.js";
import { stepErrorSection } from "./sections/step-error.js";
import { runFailureSection } from "./sections/run-failure.js";
import { slicesSection } from "./sections/slices.js";
import { trendSection } from "./sections/trend.js";
import { validationSection } from "./sections/validation.js";
import { svgChart } from "./svg.js";
import { VERDICT_WORDS, checkConclusion, overallVerdict } from "./verdict.js";

const REPORT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The hidden first line that lets a later run find this report's comment and update it in place. */
export function reportMarker(id: string): string {
  // The id lands inside an HTML comment: config validation allows only these characters, and this keeps it so.
  if (!REPORT_ID.test(id)) throw new Error(`report id ${JSON.stringify(id)} is not a safe name`);
  return `<!-- ctrain:report:${id} -->`;
}

const SHORTENED_COMMENT =
  "This comment was shortened to fit GitHub's size limit; the job summary and the report artifact " +
  "(report.md, report.html) hold the full report.";
const SHORTENED_SUMMARY =
  "This summary was shortened to fit GitHub's 1 MiB limit; the report artifact (report.md, report.html) holds the full report.";

function findBaselineRun(input: ReportInput): RunDocument | undefined {
  const origin = input.comparison?.baseline;
  if (!origin || origin.kind === "none") return undefined;
  return (input.history ?? []).find(
    (run) =>
      (origin.runId !== undefined && run.source.runId === origin.runId) ||
      (origin.commit !== undefined && run.source.commit === origin.commit),
  );
}

function sectionsOf(context: ReportContext, verdict: ReturnType<typeof overallVerdict>): Section[] {
  const baselineRun = context.input.baselineRun ?? findBaselineRun(context.input);
  return [
    headerSection(context, verdict),
    runFailureSection(context),
    stepErrorSection(context),
    modelTestSection(context),
    metricsSection(context),
    paramsSection(context),
    examplesSection(context),
    validationSection(context),
    classificationSection(context),
    calibrationSection(context),
    slicesSection(context),
    resourcesSection(context, baselineRun),
    leaderboardSection(context),
    trendSection(context),
    curvesSection(context),
    linksSection(context),
  ].filter((section): section is Section => section !== undefined);
}

/** The sections within `room`, ending with `note` when anything had to be left out. */
function fitted(sections: Section[], room: number, measure: Measure, note: string, cache: RenderCache): string {
  const whole = fitSections(sections, room, measure, cache);
  if (!whole.shortened) return whole.markdown;
  const ending = `\n\n${markdownBlocks([paragraph(label(note))])}`;
  return fitSections(sections, room - measure(ending), measure, cache).markdown + ending;
}

function chartFiles(blocks: Block[]): { path: string; content: string }[] {
  const charts = blocks.flatMap(function collect(block): Block[] {
    return block.kind === "chart" ? [block] : block.kind === "details" ? block.blocks.flatMap(collect) : [];
  });
  return charts.map((block, index) => {
    const chart = (block as Extract<Block, { kind: "chart" }>).chart;
    const slug =
      chart.title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "")
        .slice(0, 60) || "chart";
    return { path: `charts/${String(index + 1).padStart(2, "0")}-${slug}.svg`, content: svgChart(chart) };
  });
}

/**
 * Renders the report for every surface: the comment (within its budget, marker first), the job summary (within
 * 1 MiB), the full report as markdown and self-contained HTML with SVG charts, the check run's title, conclusion
 * and annotations.
 */
export function renderReport(input: ReportInput, options: ReportOptions): RenderedReport {
  const context = resolveContext(input, options);
  const verdict = overallVerdict(input);
  const sections = sectionsOf(context, verdict);
  const marker = reportMarker(options.id);
  const maxComment = options.maxCommentChars ?? COMMENT_BODY_BUDGET_CHARS;
  const cache: RenderCache = new Map();
  const full = fitSections(sections, Infinity, countChars, cache).markdown;
  const fullBlocks = sections.flatMap((section) => section.variants[0]!(Infinity, countChars));
  const title = singleLine(
    plainText(joinInline([[label(`ctrain ${VERDICT_WORDS[verdict]}`)], ...countFailures(input)], " · ")),
    CHECK_TITLE_MAX_CHARS,
  );
  return {
    id: options.id,
    marker,
    verdict,
    comment: `${marker}\n${fitted(sections, maxComment - countChars(`${marker}\n`), countChars, SHORTENED_COMMENT, cache)}`,
    summary: fitted(sections, STEP_SUMMARY_MAX_BYTES, countBytes, SHORTENED_SUMMARY, cache),
    title,
    conclusion: checkConclusion(verdict),
    annotations: reportAnnotations(input),
    files: [
      { path: "report.md", content: `${full}\n` },
      { path: "report.html", content: htmlPage(title, fullBlocks) },
      ...chartFiles(fullBlocks),
    ],
  };
}
