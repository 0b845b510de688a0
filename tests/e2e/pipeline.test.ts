import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctrain, exampleRepository, git } from "../support/cli.js";
import { ComparisonDocument, ValidationDocument } from "@ctrain/core";

const SCREENSHOTS = join(process.cwd(), "test-results");

/** The Node example in a fresh git repository: main is the baseline, a branch changes params and data. */
describe("ctrain run on the Node example, baseline then candidate", () => {
  let project: string;
  beforeAll(() => {
    project = exampleRepository("node-classifier");
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("records the baseline on main", () => {
    const result = ctrain(project, "run");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("baseline: no successful run recorded for main");
    const comparison = ComparisonDocument.parse(
      JSON.parse(readFileSync(join(project, ".ctrain/comparison.json"), "utf8")),
    );
    expect(comparison.verdict).toBe("passed");
    // A first run judges the value thresholds; its changes have nothing to be compared with.
    const accuracy = comparison.rows.find((row) => row.name === "accuracy")!;
    expect(accuracy.verdict).toBe("skipped");
    expect(accuracy.reasons.join(" ")).toContain("no baseline value (first run?): the change is not judged");
    // main's run joins the branch's history, and the site renders from it.
    const history = ctrain(project, "history");
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout, history.stderr).toContain("1 runs in the history of main");
    expect(readFileSync(join(project, ".ctrain-store/history-site/index.html"), "utf8")).toContain("main/1");
  });

  it("compares a branch with drifted data with main's run, pairs the predictions and sees the drift", () => {
    git(project, "checkout", "-q", "-b", "new-data");
    execFileSync(process.execPath, ["generate-data.mjs", "--drift"], { cwd: project, stdio: "ignore" });
    writeFileSync(join(project, "params.json"), JSON.stringify({ learning_rate: 0.3, epochs: 400, l2: 0.001 }));
    git(project, "commit", "-qam", "new data, gentler learning rate");
    const result = ctrain(project, "run");
    expect([0, 1]).toContain(result.code);
    const comparison = ComparisonDocument.parse(
      JSON.parse(readFileSync(join(project, ".ctrain/comparison.json"), "utf8")),
    );
    expect(comparison.baseline.kind).toBe("local");
    expect(comparison.baseline.commitsBehind).toBe(0);
    // The demo's tiny roc_auc change is noise: DeLong cannot tell it from no change, and the label says so.
    const auc = comparison.rows.find((row) => row.name === "roc_auc")!;
    expect(auc.method).toContain("delong");
    expect(auc.evidence?.method).toBe("delong");
    expect(auc.pValue).toBeGreaterThan(0.05);
    expect(auc.verdict).toBe("unchanged");
    expect(result.stdout).toMatch(/unchanged +roc_auc +change /);
    expect(comparison.rows.find((row) => row.name === "epochs" && row.kind === "param")).toMatchObject({
      baseline: 200,
      candidate: 400,
    });
    expect(result.code).toBe(comparison.verdict === "failed" ? 1 : 0);

    const validation = ValidationDocument.parse(
      JSON.parse(readFileSync(join(project, ".ctrain/validation.json"), "utf8")),
    );
    const train = validation.datasets.find((dataset) => dataset.name === "train")!;
    expect(train.drift?.columns.find((column) => column.column === "monthly_charges")?.drifted).toBe(true);
    expect(
      validation.datasets.find((dataset) => dataset.name === "test")?.drift?.columns.every((column) => !column.drifted),
    ).toBe(true);
    expect(ctrain(project, "runs").stdout).toMatch(/^new-data\/1 /m);
  });

  it("writes a self-contained HTML report that renders offline with charts and no console errors", async () => {
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const problems: string[] = [];
      const requests: string[] = [];
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
      });
      page.on("pageerror", (error) => problems.push(error.message));
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) requests.push(request.url());
      });
      await page.goto(pathToFileURL(join(project, ".ctrain/report.html")).href);
      expect(problems).toEqual([]);
      expect(requests).toEqual([]);
      const charts = await page.$$eval("svg", (svgs) =>
        svgs.map((svg) => ({
          marks: svg.querySelectorAll("path, polyline, circle, rect, line").length,
          width: svg.getBoundingClientRect().width,
        })),
      );
      expect(charts.length).toBeGreaterThan(0);
      for (const chart of charts) {
        expect(chart.marks).toBeGreaterThan(0);
        expect(chart.width).toBeGreaterThan(0);
      }
      expect(await page.textContent("body")).toContain("roc_auc");
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, "report.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});

/** The example's model test without its latency and cold-start budgets: a test asserts no timings (the figures are kept). */
function withoutTimeBudgets(project: string): void {
  const file = join(project, "ctrain.yml");
  const timeBudgets = / p95-ms: \d+, cold-start-ms: \d+,/;
  expect(readFileSync(file, "utf8")).toMatch(timeBudgets);
  writeFileSync(file, readFileSync(file, "utf8").replace(timeBudgets, ""));
  git(project, "commit", "-qam", "no time budgets");
}

/** The scikit-learn example, trained with Debian's python3 (the `python` on PATH may lack scikit-learn). */
describe("ctrain run on the scikit-learn example, baseline then candidate", () => {
  const PYTHON_COMMAND = "/usr/bin/python3 train.py";
  let project: string;
  let bin: string;
  const path = process.env.PATH;
  beforeAll(() => {
    project = exampleRepository("sklearn-classifier");
    withoutTimeBudgets(project);
    // The model test runs `python serve_check.py`: `python` is Debian's, with scikit-learn, as for training.
    bin = mkdtempSync(join(tmpdir(), "ctrain-python-"));
    symlinkSync("/usr/bin/python3", join(bin, "python"));
    process.env.PATH = `${bin}:${path}`;
  });
  afterAll(() => {
    process.env.PATH = path;
    rmSync(project, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  });

  it("records the baseline, then gates a candidate with fewer trees against it", () => {
    const baseline = ctrain(project, "run", "--command", PYTHON_COMMAND);
    expect(baseline.code, baseline.stderr).toBe(0);

    git(project, "checkout", "-q", "-b", "fewer-trees");
    const params = JSON.parse(readFileSync(join(project, "params.json"), "utf8")) as Record<string, number>;
    writeFileSync(join(project, "params.json"), JSON.stringify({ ...params, n_estimators: 20 }));
    git(project, "commit", "-qam", "fewer trees");
    const candidate = ctrain(project, "run", "--command", PYTHON_COMMAND);
    const comparison = ComparisonDocument.parse(
      JSON.parse(readFileSync(join(project, ".ctrain/comparison.json"), "utf8")),
    );
    expect(candidate.code).toBe(comparison.verdict === "failed" ? 1 : 0);
    expect(comparison.baseline.kind).toBe("local");
    expect(comparison.rows.find((row) => row.name === "n_estimators" && row.kind === "param")).toMatchObject({
      baseline: 150,
      candidate: 20,
    });
    const auc = comparison.rows.find((row) => row.name === "roc_auc")!;
    expect(auc.method).toContain("delong");
    expect(auc.pValue).toBeGreaterThan(0);
    expect(comparison.rows.some((row) => row.name.startsWith("slice:radius_band="))).toBe(true);
    expect(candidate.stdout).toContain(`verdict: ${comparison.verdict}`);
    // The model test ran on both, and its figures are metrics like any other.
    expect(baseline.stdout).toMatch(/^model test: passed$/m);
    expect(comparison.rows.find((row) => row.name === "model-test:latency-p95-ms")?.candidate).toBeGreaterThan(0);
  });
});
