import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isUserError } from "@ctrain/core";
import { LocalReportSink } from "@ctrain/local";
import { renderReport } from "@ctrain/report";
import { OPTIONS, fixtureInput } from "./support/fixtures.js";

describe("the local report sink", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "ctrain-report-sink-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes report.md, report.html and the charts, replacing charts of an earlier render", async () => {
    mkdirSync(join(dir, "charts"));
    writeFileSync(join(dir, "charts", "99-stale.svg"), "<svg/>");
    const report = renderReport(fixtureInput("pr-failed"), OPTIONS);
    const published = await new LocalReportSink(dir).publish(report);
    expect(published.locations.map((location) => location.surface)).toEqual(report.files.map((file) => file.path));
    expect(readFileSync(join(dir, "report.md"), "utf8")).toBe(report.files[0]!.content);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toBe(report.files[1]!.content);
    expect(readdirSync(join(dir, "charts")).sort()).toEqual([
      "01-accuracy.svg",
      "02-f1-macro.svg",
      "03-roc-auc.svg",
      "04-log-loss.svg",
    ]);
  });

  it("refuses a file path that would land outside its folder", async () => {
    const report = {
      ...renderReport(fixtureInput("pr-passed"), OPTIONS),
      files: [{ path: "../escaped.md", content: "x" }],
    };
    const error = await new LocalReportSink(join(dir, "bundle")).publish(report).catch((caught: unknown) => caught);
    expect(isUserError(error)).toBe(true);
    expect(existsSync(join(dir, "escaped.md"))).toBe(false);
  });
});
