import { createRequire } from "node:module";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunDocument } from "@ctrain/core";
import { renderReport } from "@ctrain/report";
import { BUNDLES, LINK_PREFIX, OPTIONS, fixtureInput } from "./support/fixtures.js";
import { largeInput } from "./support/large.js";

// Node has no DOM: Mermaid itself parses and renders every chart in Debian's headless Chromium, offline.
const CHROMIUM = "/usr/bin/chromium";
const MERMAID_BUNDLE = createRequire(import.meta.url).resolve("mermaid/dist/mermaid.min.js");

/** The few DOM types these checks use; the project's TypeScript has no DOM library. */
interface ElementLike {
  localName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface DocumentLike {
  querySelector(selector: string): ElementLike | null;
  querySelectorAll(selector: string): Iterable<ElementLike> & { length: number };
}
interface BrowserGlobals {
  document: DocumentLike;
  DOMParser: new () => { parseFromString(source: string, type: string): DocumentLike };
  mermaid: {
    initialize(config: object): void;
    parse(code: string): Promise<unknown>;
    render(id: string, code: string): Promise<{ svg: string }>;
  };
}

let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  page = await browser.newPage();
  await page.route("**/*", async (route) => {
    requests.push(route.request().url());
    await route.abort();
  });
  await page.setContent("<!doctype html><html><body></body></html>");
  await page.addScriptTag({ path: MERMAID_BUNDLE });
  await page.evaluate(() => {
    (globalThis as unknown as BrowserGlobals).mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
    });
  });
});

afterAll(async () => {
  await browser?.close();
});

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```mermaid\n([\s\S]*?)\n```$/gm)].map((match) => match[1]!);
}

/** Parses and renders each block with Mermaid; returns each SVG's length, or the error Mermaid raised. */
async function renderInBrowser(blocks: string[]): Promise<(number | string)[]> {
  return page.evaluate(async (codes) => {
    const { mermaid } = globalThis as unknown as BrowserGlobals;
    const results: (number | string)[] = [];
    for (const [index, code] of codes.entries()) {
      try {
        await mermaid.parse(code);
        const { svg } = await mermaid.render(`chart${index}`, code);
        results.push(svg.includes("<svg") ? svg.length : `no <svg> in ${svg.slice(0, 100)}`);
      } catch (error) {
        results.push(String(error));
      }
    }
    return results;
  }, blocks);
}

/** A run whose curves hold the values axes find hardest: negative, tiny, huge, flat, and hostile names. */
function edgeCaseRun(): RunDocument {
  const run = fixtureInput("pr-passed").run!;
  const curve = (metric: string, values: number[]): RunDocument["curves"][number] => ({
    metric,
    file: "logs/curve.csv",
    points: values.map((value, step) => ({ step, value })),
  });
  return {
    ...run,
    curves: [
      curve("negative r2", [-3.5, -1.25, -0.5, 0.1]),
      curve("tiny learning rate", [1e-7, 3e-7, 2e-7]),
      curve("huge loss", [1e12, 5e11, 2.5e11]),
      curve("flat", [0.5, 0.5, 0.5]),
      curve('<img src=x> "quoted" `tick` ]; x-axis [evil', [1, 2, 3]),
      curve("with NaN", [1, NaN, 3, Infinity]),
      curve("x".repeat(300), [0.1, 0.2]),
    ],
  };
}

describe("Mermaid charts", () => {
  it("rejects a broken chart, so a pass means something", async () => {
    const [result] = await renderInBrowser(["xychart-beta\n  x-axis [a, b\n  line [1, 2,"]);
    expect(typeof result).toBe("string");
  });

  it("parse and render to a non-empty SVG for every block of every report", async () => {
    const markdowns = BUNDLES.flatMap((name) => {
      const report = renderReport(fixtureInput(name), OPTIONS);
      return [report.comment, report.summary];
    });
    const large = renderReport(largeInput({ metrics: 5000, failEvery: 250 }), OPTIONS);
    const edge = renderReport({ run: edgeCaseRun() }, OPTIONS);
    // The large summary's hundred curves are alike: a few of them stand for the rest.
    markdowns.push(large.comment, edge.summary);
    const blocks = [...new Set([...markdowns.flatMap(mermaidBlocks), ...mermaidBlocks(large.summary).slice(0, 8)])];
    expect(blocks.length).toBeGreaterThanOrEqual(15);
    expect(blocks.some((block) => block.includes("line [-3.5, -1.25, -0.5, 0.1]"))).toBe(true);
    const results = await renderInBrowser(blocks);
    results.forEach((result, index) => {
      expect(result, blocks[index]).toBeTypeOf("number");
      expect(result as number, blocks[index]).toBeGreaterThan(500);
    });
    expect(requests).toEqual([]);
  });
});

describe("SVG charts and the HTML report", () => {
  it("are well-formed SVG made only of drawing elements, with hostile names as text", async () => {
    const files = [
      ...renderReport(fixtureInput("hostile"), OPTIONS).files,
      ...renderReport({ run: edgeCaseRun() }, OPTIONS).files,
      ...renderReport(fixtureInput("pr-failed"), OPTIONS).files,
    ].filter((file) => file.path.endsWith(".svg"));
    expect(files.length).toBeGreaterThanOrEqual(10);
    const parsed = await page.evaluate(
      (svgs) => {
        return svgs.map((svg) => {
          const { DOMParser } = globalThis as unknown as BrowserGlobals;
          const document = new DOMParser().parseFromString(svg, "image/svg+xml");
          return {
            error: document.querySelector("parsererror")?.textContent ?? null,
            elements: [...new Set([...document.querySelectorAll("*")].map((element) => element.localName))].sort(),
            title: document.querySelector("title")?.textContent ?? "",
          };
        });
      },
      files.map((file) => file.content),
    );
    for (const result of parsed) {
      expect(result.error).toBeNull();
      for (const element of result.elements) {
        expect(["circle", "line", "polyline", "rect", "svg", "text", "title"]).toContain(element);
      }
    }
    expect(parsed.map((result) => result.title)).toContain("<img src=x onerror=alert(1)>");
  });

  it("shows the hostile bundle as text: no elements, no requests, no scripts", async () => {
    const report = renderReport(fixtureInput("hostile"), OPTIONS);
    const html = report.files.find((file) => file.path === "report.html")!.content;
    const reportPage = await browser.newPage();
    const fetched: string[] = [];
    await reportPage.route("**/*", async (route) => {
      fetched.push(route.request().url());
      await route.abort();
    });
    const dialogs: string[] = [];
    reportPage.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    await reportPage.setContent(html);
    const seen = await reportPage.evaluate(() => {
      const { document } = globalThis as unknown as BrowserGlobals;
      return {
        active: document.querySelectorAll(
          "img, script, iframe, object, embed, form, input, link, style:not(head style)",
        ).length,
        links: [...document.querySelectorAll("a")].map((anchor) => anchor.getAttribute("href")),
        metric: document.querySelector("table td")?.textContent ?? "",
        detailsSummaries: [...document.querySelectorAll("summary")].map((summary) => summary.textContent),
      };
    });
    await reportPage.close();
    expect(seen.active).toBe(0);
    // Only the trusted history links into the repository; the hostile bundle's own URLs stay text.
    for (const href of seen.links) expect(href?.startsWith(LINK_PREFIX)).toBe(true);
    expect(seen.links.join(" ")).not.toContain("evil");
    expect(seen.metric).toBe("<img src=x onerror=alert(1)> ↑");
    expect(seen.detailsSummaries).toContain("<img src=x onerror=alert(1)> (5 points)");
    expect(fetched).toEqual([]);
    expect(dialogs).toEqual([]);
  });
});
