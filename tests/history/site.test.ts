import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalHistoryStore, appendAndRender } from "@ctrain/history";
import { historyRecords, releaseOf, runDocuments, writeRunBundle } from "./support/runs.js";

/** The few DOM shapes these checks read in the page; the project's TypeScript has no DOM library. */
interface ElementLike {
  textContent: string | null;
  hidden: boolean;
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<ElementLike>;
}
interface PageGlobals {
  document: { querySelectorAll(selector: string): ArrayLike<ElementLike> };
}

let root: string;
let browser: Browser;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), "ctrain-history-site-"));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(root, { recursive: true, force: true });
});

/** Opens a site file; any request that is not the file itself is recorded and refused, as is any console error. */
async function openSite(path: string): Promise<{ page: Page; requests: string[]; errors: string[]; loadMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  const url = pathToFileURL(path).href;
  await page.route("**/*", async (route) => {
    const requested = route.request().url();
    if (requested === url) return route.continue();
    requests.push(requested);
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  const started = performance.now();
  await page.goto(url, { waitUntil: "load" });
  await page.locator("#shown", { hasText: "runs shown" }).waitFor();
  return { page, requests, errors, loadMs: performance.now() - started };
}

const visibleRows = (page: Page): Promise<number> =>
  page.evaluate(
    () =>
      Array.from((globalThis as unknown as PageGlobals).document.querySelectorAll("#run-table tbody tr")).filter(
        (row) => !row.hidden,
      ).length,
  );

describe("history site of 30 main-branch runs", () => {
  const runCount = 30;
  let page: Page;
  let opened: Awaited<ReturnType<typeof openSite>>;

  beforeAll(async () => {
    const store = new LocalHistoryStore(join(root, "store", "history.jsonl"));
    for (let index = 0; index < runCount; index++) {
      const bundleDir = writeRunBundle(join(root, "bundles", String(index)), index);
      await appendAndRender({
        store,
        bundleDir,
        outDir: join(root, "site"),
        branch: "main",
        release: releaseOf(index),
        repository: "octo/model",
      });
    }
    opened = await openSite(join(root, "site", "index.html"));
    page = opened.page;
  });

  it("loads with no console error and no request beyond its own file", () => {
    expect(opened.errors).toEqual([]);
    expect(opened.requests).toEqual([]);
  });

  it("shows every run, newest first, with links into the repository", async () => {
    expect(await visibleRows(page)).toBe(runCount);
    const commits = await page.locator("#run-table tbody td.commit").allTextContents();
    expect(commits[0]).toBe(runDocuments(runCount - 1).run.source.commit!.slice(0, 7));
    const hrefs = await page.locator("a[href]").evaluateAll((links) => links.map((link) => link.getAttribute("href")!));
    const external = hrefs.filter((href) => !href.startsWith("#"));
    expect(external.length).toBeGreaterThan(runCount);
    for (const href of external) expect(href).toMatch(/^https:\/\/github\.com\/octo\/model\//);
  });

  it("draws a chart per metric with a mark per run, intervals and release markers", async () => {
    const charts = page.locator("svg.chart");
    expect(await charts.count()).toBe(4);
    const accuracy = charts.filter({ hasText: "accuracy" });
    const marks = await accuracy.locator("path.marks").getAttribute("d");
    expect(marks!.match(/M/g)).toHaveLength(runCount);
    const intervals = await accuracy.locator("path.interval").getAttribute("d");
    expect(intervals!.match(/M/g)).toHaveLength(runCount);
    const releases = await accuracy.locator("path.release").getAttribute("d");
    expect(releases!.match(/M/g)).toHaveLength(3);
    expect(await page.locator("svg.heatmap rect").count()).toBe(5 * runCount);
  });

  it("filters runs by commit, release and param", async () => {
    const commit = runDocuments(7).run.source.commit!.slice(0, 10);
    await page.fill("#filter", commit);
    expect(await visibleRows(page)).toBe(1);
    await page.fill("#filter", "v1.19.0");
    expect(await visibleRows(page)).toBe(1);
    await page.fill("#filter", "model=gbm");
    expect(await visibleRows(page)).toBe(runCount / 2);
    await expect.poll(() => page.textContent("#shown")).toBe(`${runCount / 2} of ${runCount} runs shown`);
    await page.fill("#filter", "");
    expect(await visibleRows(page)).toBe(runCount);
  });

  it("sorts by a metric column", async () => {
    await page.click('#run-table button[data-sort="metric:0"]');
    const values = (await page.locator("#run-table tbody tr td:nth-child(6)").allTextContents()).map(Number);
    expect(values).toEqual([...values].sort((a, b) => a - b));
    await page.click('#run-table button[data-sort="date"]');
  });

  it("compares the two runs picked in the table, side by side", async () => {
    const first = runDocuments(3).run.source.commit!.slice(0, 7);
    const second = runDocuments(20).run.source.commit!.slice(0, 7);
    await page.check('input.pick[value="3"]');
    await page.check('input.pick[value="20"]');
    const header = await page.locator("#compare-view table.compare-runs tr").first().locator("td").allTextContents();
    expect(header).toEqual([first, second]);
    const metricRows = await page.locator("#compare-view h3:text('Metrics') + table tr").count();
    expect(metricRows).toBe(1 + 4);
    const links = await page
      .locator("#compare-view a")
      .evaluateAll((found) => found.map((a) => a.getAttribute("href")));
    expect(links).toContain(`https://github.com/octo/model/actions/runs/${9_000_000 + 20}`);
    expect(opened.errors).toEqual([]);
  });
});

describe("history site of 5,000 runs", () => {
  it("renders, loads and shows every run (size and load time logged)", async () => {
    const store = new LocalHistoryStore(join(root, "large", "history.jsonl"));
    await store.append(historyRecords(5000));
    const outDir = join(root, "large-site");
    mkdirSync(outDir, { recursive: true });
    const rendered = performance.now();
    const result = await appendAndRender({ store, outDir, branch: "main", repository: "octo/model" });
    const renderMs = performance.now() - rendered;
    const { page, requests, errors, loadMs } = await openSite(result.sitePath);
    const gzipBytes = gzipSync(readFileSync(result.sitePath)).length;
    console.log(
      `history site, 5,000 runs: ${(result.siteBytes / 1024 ** 2).toFixed(1)} MiB (${(gzipBytes / 1024 ** 2).toFixed(1)} MiB gzipped), rendered in ${Math.round(renderMs)} ms, loaded in Chromium in ${Math.round(loadMs)} ms`,
    );
    expect(result.runs).toBe(5000);
    expect(await page.textContent("#shown")).toBe("5000 of 5000 runs shown");
    const pageRows = await visibleRows(page);
    expect(pageRows).toBeLessThan(5000);
    await page.click("#show-more");
    expect(await visibleRows(page)).toBe(2 * pageRows);
    await page.fill("#filter", "v1.4999.0");
    expect(await visibleRows(page)).toBe(1);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
