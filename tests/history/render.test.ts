import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { renderHistorySite, runLinks, type HistoryRecord } from "@ctrain/history";
import { historyRecords } from "./support/runs.js";

const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)> @org #12 </script><!--';

/** Records whose every free text is an injection attempt. */
function hostileRecords(): HistoryRecord[] {
  return historyRecords(3).map((record) => ({
    ...record,
    release: `v1 ${HOSTILE}`,
    branch: HOSTILE,
    params: { [HOSTILE]: HOSTILE },
    metrics: { [HOSTILE]: { value: 0.5, delta: 0.1, low: 0, high: 0.2 }, ...record.metrics },
    drift: [{ dataset: HOSTILE, column: HOSTILE, test: "ks", statistic: 0.3, pValue: 0.01, drifted: true }],
  }));
}

/** The page with its inline data and script cut out: what the HTML parser reads as markup. */
function markup(html: string): string {
  return html
    .replace(/<script type="application\/json" id="history-data">[\s\S]*?<\/script>/, "")
    .replace(/<script>[\s\S]*?<\/script>/, "");
}

describe("renderHistorySite", () => {
  it("escapes every text from records in markup, attributes and inline data", () => {
    const html = renderHistorySite(hostileRecords(), { repository: "octo/model", branch: HOSTILE });
    const page = markup(html);
    expect(page).not.toMatch(/<script|<img|<!--|onerror=alert\(2\)>/i);
    expect(page).toContain("&lt;script&gt;");
    // Exactly two script elements (the data and the page's own), and the data cannot close its element.
    expect(html.match(/<script/g)).toHaveLength(2);
    const data = html.match(/<script type="application\/json" id="history-data">([\s\S]*?)<\/script>/)![1]!;
    expect(data).not.toMatch(/[<>]/);
    expect(JSON.parse(data).runs[0].params[HOSTILE]).toBe(HOSTILE);
  });

  it("links only into the run's repository on github.com, from its validated fields", () => {
    const [record] = hostileRecords();
    const links = runLinks(record!);
    expect(links.commit).toBe(`https://github.com/octo/model/commit/${record!.commit}`);
    expect(links.run).toBe("https://github.com/octo/model/actions/runs/9000000");
    expect(links.release).toBe(`https://github.com/octo/model/releases/tag/${encodeURIComponent(record!.release!)}`);
    expect(runLinks({ ...record!, repository: undefined })).toEqual({});
    const html = renderHistorySite(hostileRecords());
    const hrefs = [...markup(html).matchAll(/href="([^"]*)"/g)].map((match) => match[1]!);
    const data = JSON.parse(html.match(/id="history-data">([\s\S]*?)<\/script>/)![1]!) as { runs: { links: object }[] };
    for (const href of [...hrefs, ...data.runs.flatMap((run) => Object.values(run.links) as string[])]) {
      expect(href).toMatch(/^(#[a-z]+|https:\/\/github\.com\/octo\/model\/[^\s<>"]+)$/);
    }
    expect(data.runs[0]!.links).toEqual(links);
  });

  it("allows only its own script and no request of any kind", () => {
    const html = renderHistorySite(historyRecords(2));
    const script = html.match(/<script>([\s\S]*?)<\/script>/)![1]!;
    const hash = createHash("sha256").update(script).digest("base64");
    const policy = html.match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1]!;
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain(`script-src 'sha256-${hash}'`);
    expect(html).not.toMatch(/\b(src|srcset|action)=|url\(|@import/);
  });

  it("draws each metric's interval on its baseline and marks releases", () => {
    const [run] = historyRecords(1);
    const html = renderHistorySite([
      { ...run!, release: "v1.0.0", metrics: { score: { value: 10, delta: 2, low: 1, high: 3 } } },
      { ...run!, id: "two", date: "2026-02-01T00:00:00Z", metrics: { score: { value: 20 } } },
    ]);
    const chart = html.match(/<svg class="chart"[\s\S]*?<\/svg>/)![0];
    expect(chart.match(/class="interval" d="([^"]+)"/)![1]!.match(/M/g)).toHaveLength(1);
    expect(chart.match(/class="marks" d="([^"]+)"/)![1]!.match(/M/g)).toHaveLength(2);
    expect(chart).toContain('class="release"');
    expect(chart).toContain(">v1.0.0<title>release v1.0.0</title>");
  });

  it("says so when the store is empty", () => {
    const html = renderHistorySite([]);
    expect(html).toContain("no runs recorded yet");
    expect(html).toContain("No numeric metrics recorded.");
    expect(html).toContain("No run recorded drift tests.");
  });
});
