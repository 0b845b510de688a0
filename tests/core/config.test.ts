import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CtrainConfig, UserError, closestName, durationToMs, loadConfig, parseConfig } from "@ctrain/core";
import { tempDir } from "../support/temp-dir.js";

function errorOf(fn: () => unknown): UserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
}

describe("ctrain.yml", () => {
  it("fills every section with defaults when the file is empty", () => {
    const config = parseConfig("");
    expect(config.compare.baseline).toBe("auto");
    expect(config.report.comment).toBe("sticky");
    expect(config.data.drift["dataset-share"]).toBe(0.5);
    expect(config.publish.approval).toBe("review");
    expect(config.train.timeout).toBe("6h");
    expect(CtrainConfig.parse({})).toEqual(config);
  });

  it("points an enum error at the value's line and column", () => {
    const text = ["model:", "  name: iris", "compare:", "  metrics:", "    accuracy:", "      direction: up", ""].join(
      "\n",
    );
    expect(errorOf(() => parseConfig(text)).format()).toBe(
      'ctrain.yml:6:18: compare.metrics.accuracy.direction: expected "higher" or "lower", got "up"',
    );
  });

  it("suggests the key an unknown key was probably meant to be", () => {
    const error = errorOf(() => parseConfig("compare:\n  metrcs: {}\n"));
    expect(error.format()).toBe('ctrain.yml:2:3: compare.metrcs: unknown key; did you mean "metrics"?');
    const nested = errorOf(() => parseConfig("data:\n  datasets:\n    train:\n      path: a.csv\n      colums: {}\n"));
    expect(nested.message).toContain('did you mean "columns"?');
    expect(nested.location).toBeUndefined();
    expect(nested.format()).toMatch(/^ctrain\.yml:5:7: /);
  });

  it("lists known keys when nothing is close", () => {
    expect(errorOf(() => parseConfig("report:\n  zzzzzzzz: 1\n")).message).toMatch(/known keys: id, comment/);
  });

  it("names the type that was expected and what was found", () => {
    expect(errorOf(() => parseConfig("compare:\n  metrics:\n    f1: {min: high}\n")).format()).toBe(
      'ctrain.yml:3:15: compare.metrics.f1.min: expected number, got "high"',
    );
    expect(errorOf(() => parseConfig("train:\n  timeout: forever\n")).message).toContain(
      "a duration like 30s, 90m or 2h",
    );
  });

  it("reports YAML syntax errors with a position", () => {
    expect(errorOf(() => parseConfig("compare: [1", { fileName: "conf/ctrain.yml" })).format()).toMatch(
      /^conf\/ctrain\.yml:1:\d+: /,
    );
  });

  it("rejects min above max for a metric gate", () => {
    expect(errorOf(() => parseConfig("compare:\n  metrics:\n    a: {min: 2, max: 1}\n")).message).toContain(
      "min must not be greater than max",
    );
  });

  it("lets inputs override config keys and blames the input for a bad value", () => {
    const config = parseConfig("compare:\n  baseline: branch:main\n", {
      overrides: { "compare.baseline": { value: "release:latest", source: "input 'baseline'" } },
    });
    expect(config.compare.baseline).toBe("release:latest");
    const error = errorOf(() =>
      parseConfig("compare:\n  baseline: auto\n", {
        overrides: { "compare.baseline": { value: "yesterday", source: "input 'baseline'" } },
      }),
    );
    expect(error.format()).toMatch(/^input 'baseline': compare\.baseline: expected auto, none, branch:<name>/);
  });

  it("reads ctrain.yml from the working directory, and complains about an explicit file that is missing", () => {
    const dir = tempDir("ctrain-config-");
    expect(loadConfig({ cwd: dir }).file).toBeUndefined();
    writeFileSync(join(dir, "ctrain.yml"), "model:\n  name: churn\n");
    const loaded = loadConfig({ cwd: dir });
    expect(loaded.config.model?.name).toBe("churn");
    expect(errorOf(() => loadConfig({ cwd: dir, file: "other.yml" })).message).toContain("config file not found");
  });

  it("converts durations", () => {
    expect(durationToMs("30s")).toBe(30_000);
    expect(durationToMs("1.5h")).toBe(5_400_000);
    expect(durationToMs(2)).toBe(120_000);
  });

  it("suggests only close names", () => {
    expect(closestName("metrcs", ["metrics", "baseline"])).toBe("metrics");
    expect(closestName("qqqqqq", ["metrics", "baseline"])).toBeUndefined();
  });
});
