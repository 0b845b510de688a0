import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderReport } from "@ctrain/report";
import { BUNDLES, FIXTURES, LINK_PREFIX, OPTIONS, fixtureInput } from "./support/fixtures.js";
import { LIVE_REFERENCE, OWN_HTML, nodesOf, parseGfm, renderedText, visibleText } from "./support/gfm.js";

const GOLDEN = join(FIXTURES, "golden");
// Reviewed renderings: set UPDATE_GOLDEN=1 to rewrite them after an intended change, then review the diff.
const update = process.env.UPDATE_GOLDEN === "1";

function expectGolden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (update || !existsSync(path)) {
    if (!update) throw new Error(`missing golden file ${path}: run with UPDATE_GOLDEN=1 and review it`);
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(actual).toBe(readFileSync(path, "utf8"));
}

describe.each(BUNDLES)("report for the %s bundle", (name) => {
  const report = renderReport(fixtureInput(name), OPTIONS);

  it("matches the reviewed comment", () => {
    expectGolden(`${name}.comment.md`, report.comment);
  });

  it("is GFM whose tables keep one cell per column in every row", () => {
    for (const markdown of [report.comment, report.summary]) {
      const tree = parseGfm(markdown);
      const tables = nodesOf(tree, "table");
      for (const table of tables) {
        const columns = table.children[0]!.children.length;
        for (const row of table.children) expect(row.children).toHaveLength(columns);
      }
      // Every pipe that the markdown holds outside a table row is inside text that escaped it.
      const rows = markdown.split("\n").filter((line) => line.startsWith("| "));
      expect(rows.length).toBe(tables.reduce((sum, table) => sum + table.children.length + 1, 0));
    }
  });

  it("holds no images, no HTML of its data, and links only into the repository", () => {
    const tree = parseGfm(report.comment);
    expect(nodesOf(tree, "image")).toEqual([]);
    expect(nodesOf(tree, "imageReference")).toEqual([]);
    expect(nodesOf(tree, "linkReference")).toEqual([]);
    expect(nodesOf(tree, "footnoteReference")).toEqual([]);
    for (const link of nodesOf(tree, "link")) expect(link.url.startsWith(LINK_PREFIX)).toBe(true);
    for (const html of nodesOf(tree, "html")) {
      for (const part of html.value.split(/\n+/)) expect(part).toMatch(OWN_HTML);
      expect(html.value).not.toMatch(LIVE_REFERENCE);
    }
    expect(renderedText(tree)).not.toMatch(LIVE_REFERENCE);
  });

  it("starts the comment with its marker and keeps the summary within GitHub's limits", () => {
    expect(report.comment.startsWith(`${report.marker}\n`)).toBe(true);
    expect(report.comment.length).toBeLessThanOrEqual(60_000);
    expect(Buffer.byteLength(report.summary)).toBeLessThanOrEqual(1024 * 1024);
    expect(report.summary).not.toContain(report.marker);
  });
});

describe("report content", () => {
  it("puts failing metrics first and says why they failed", () => {
    const report = renderReport(fixtureInput("pr-failed"), OPTIONS);
    const table = nodesOf(parseGfm(report.comment), "table")[0]!;
    const metricColumn = table.children.slice(1).map((row) => visibleText(row.children[0]!));
    expect(metricColumn.slice(0, 2)).toEqual(["accuracy ↑", "f1_macro ↑"]);
    expect(visibleText(table.children[1]!.children[7]!)).toBe("❌ failed: improvement -0.028 < bound -0.005");
    // The one interval is the test's, with its level and method, and its p-value beside it.
    expect(visibleText(table.children[1]!.children[5]!)).toBe("[-0.036, -0.02] (95%, exact-conditional)");
    expect(visibleText(table.children[1]!.children[6]!)).toBe("0.0001");
    expect(report.conclusion).toBe("failure");
    expect(report.verdict).toBe("failed");
  });

  it("names the baseline's commit, run and age", () => {
    const report = renderReport(fixtureInput("pr-passed"), OPTIONS);
    const tree = parseGfm(report.comment);
    const baseline = nodesOf(tree, "paragraph").find((paragraph) => visibleText(paragraph).startsWith("Baseline"))!;
    expect(visibleText(baseline)).toBe(
      "Baseline: latest successful run on main at the merge-base (commit a1b2c3d4e5f6, run 8990, 3 days old, at the merge-base)",
    );
    expect(nodesOf(baseline, "link").map((link) => link.url)).toEqual([`${LINK_PREFIX}actions/runs/8990`]);
  });

  it("shows training resources against the baseline's run found in the history", () => {
    const report = renderReport(fixtureInput("pr-passed"), OPTIONS);
    const resources = nodesOf(parseGfm(report.comment), "table").find(
      (table) => visibleText(table.children[0]!.children[0]!) === "resource",
    )!;
    expect(resources.children[1]!.children.map(visibleText)).toEqual(["wall time", "11m 40s", "13m 32s", "+16.1%"]);
  });

  it("writes the full report as markdown, self-contained HTML and one SVG per chart", () => {
    const report = renderReport(fixtureInput("pr-failed"), OPTIONS);
    const paths = report.files.map((file) => file.path);
    expect(paths.slice(0, 2)).toEqual(["report.md", "report.html"]);
    const charts = paths.filter((path) => path.startsWith("charts/"));
    expect(charts).toEqual([
      "charts/01-accuracy.svg",
      "charts/02-f1-macro.svg",
      "charts/03-roc-auc.svg",
      "charts/04-log-loss.svg",
    ]);
    const html = report.files[1]!.content;
    expectGolden("pr-failed.report.html", html);
    expect(html).not.toMatch(/<script|<link|<img|src=|url\(/i);
    expect((html.match(/<svg /g) ?? []).length).toBe(charts.length);
  });

  it("draws no charts when charts are off, and keeps the tables", () => {
    const report = renderReport(fixtureInput("pr-passed"), { ...OPTIONS, charts: false });
    expect(report.comment).not.toContain("```mermaid");
    expect(report.files.some((file) => file.path.startsWith("charts/"))).toBe(false);
    expect(report.comment).toContain("### Trend on main");
  });

  it("links the run only under the repository's prefix", () => {
    const trusted = renderReport(fixtureInput("pr-passed"), OPTIONS);
    expect(trusted.comment).toContain(`[Workflow run and job summary](${LINK_PREFIX}actions/runs/9001/attempts/1)`);
    const elsewhere = renderReport(fixtureInput("pr-passed"), {
      ...OPTIONS,
      linkPrefix: "https://github.com/other/repo/",
    });
    expect(nodesOf(parseGfm(elsewhere.comment), "link")).toEqual([]);
  });
});
