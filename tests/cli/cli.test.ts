import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ctrain, exampleRepository, git } from "../support/cli.js";

describe("the ctrain CLI", () => {
  let project: string;
  beforeAll(() => {
    project = exampleRepository("node-classifier");
  });
  afterAll(() => rmSync(project, { recursive: true, force: true }));

  it("prints help and its version", () => {
    const help = ctrain(project, "--help");
    expect(help.code).toBe(0);
    for (const command of ["train", "compare", "publish", "fetch", "runs", "config check"])
      expect(help.stdout).toContain(command);
    expect(ctrain(project, "--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(ctrain(project, "compare", "--help").stdout).toContain("--baseline <spec>");
    expect(ctrain(project, "frobnicate").code).toBe(2);
  });

  it("reports a config mistake at its line and column, with no stack trace", () => {
    const dir = mkdtempSync(join(tmpdir(), "ctrain-cli-config-"));
    writeFileSync(join(dir, "ctrain.yml"), "compare:\n  metrics:\n    accuracy:\n      direction: up\n");
    const result = ctrain(dir, "config", "check");
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: ctrain.yml:4:18: compare.metrics.accuracy.direction: expected "higher" or "lower", got "up"\n',
    );
    expect(ctrain(dir, "compare", "--baseline", "yesterday").stderr).toMatch(
      /^error: --baseline: compare\.baseline: expected auto, none/,
    );
    rmSync(dir, { recursive: true, force: true });
  });

  it("validates a large dataset on two threads, started from its own bundle", () => {
    // Past the 64 MiB from which validation reads and profiles on a second thread.
    const dir = mkdtempSync(join(tmpdir(), "ctrain-cli-large-"));
    const rows = Math.ceil((65 * 1024 * 1024) / "10000000,0.123456789,category-a,2024-01-02T03:04:05Z\n".length);
    const lines = Array.from(
      { length: rows },
      (_, i) => `${10_000_000 + i},0.123456789,category-a,2024-01-02T03:04:05Z`,
    );
    writeFileSync(join(dir, "data.csv"), `id,x,c,t\n${lines.join("\n")}\n`);
    writeFileSync(join(dir, "ctrain.yml"), "data:\n  datasets:\n    big:\n      path: data.csv\n      key: id\n");
    const result = ctrain(dir, "validate");
    expect(result.code, result.stderr).toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain("big: read on a second thread; ");
    const profile = JSON.parse(readFileSync(join(dir, ".ctrain/profile/big.json"), "utf8")) as {
      rows: number;
      columns: Record<string, { count: number; distinct: { count: number } }>;
    };
    expect(profile.rows).toBe(rows);
    expect(Object.values(profile.columns).map((column) => column.count)).toEqual([rows, rows, rows, rows]);
    expect(profile.columns.c!.distinct.count).toBe(1);
    rmSync(dir, { recursive: true, force: true });
  });

  it("trains on main, trains a branch, and compares the branch with main's run", () => {
    const baseline = ctrain(project, "train", "--record");
    expect(baseline.code, baseline.stderr).toBe(0);
    expect(ctrain(project, "runs").stdout).toMatch(/^main\/1\s+succeeded/m);

    git(project, "checkout", "-q", "-b", "more-epochs");
    writeFileSync(join(project, "params.json"), JSON.stringify({ learning_rate: 0.5, epochs: 400, l2: 0.001 }));
    git(project, "commit", "-qam", "more epochs");
    expect(ctrain(project, "train").code).toBe(0);

    const md = ctrain(project, "compare", "--md");
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toMatch(/^\| Path \| Metric \| [0-9a-f]{7} \| workspace \| Change \|$/m);
    expect(md.stdout).toMatch(/\| \.ctrain\/run\.json \| roc_auc \| 0\.\d+ \| 0\.\d+ \| -?0\.\d+ \|/);

    const json = JSON.parse(ctrain(project, "compare", "--json").stdout) as Record<
      string,
      Record<string, { old: number; new: number; diff: number }>
    >;
    const auc = json[".ctrain/run.json"]!.roc_auc!;
    expect(auc.diff).toBeCloseTo(auc.new - auc.old, 12);

    const comparison = JSON.parse(readFileSync(join(project, ".ctrain/comparison.json"), "utf8")) as {
      baseline: { kind: string; commitsBehind: number };
      verdict: string;
      rows: { name: string; method?: string }[];
    };
    expect(comparison.baseline.kind).toBe("local");
    expect(comparison.baseline.commitsBehind).toBe(0);
    expect(comparison.rows.find((row) => row.name === "roc_auc")?.method).toContain("delong");
  });

  it("refuses to publish without a passing comparison, then publishes and fetches a verified model", () => {
    git(project, "checkout", "-q", "main");
    rmSync(join(project, ".ctrain"), { recursive: true, force: true });
    expect(ctrain(project, "train").code).toBe(0);
    const refused = ctrain(project, "publish");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^error: .*compar/m);

    expect(ctrain(project, "compare").code).toBe(0);
    const published = ctrain(project, "publish");
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/^published: churn-classifier@v\d+\.\d+\.\d+ /);
    expect(ctrain(project, "publish").stdout).toMatch(/^unchanged: /);

    const fetched = ctrain(project, "fetch", "--to", "deployed");
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(readFileSync(join(project, "deployed/model/out/model.json"), "utf8")).toBe(
      readFileSync(join(project, "out/model.json"), "utf8"),
    );
  });

  it("fetches into an absolute --to folder as given, not under the project", () => {
    const destination = mkdtempSync(join(tmpdir(), "ctrain-cli-fetch-"));
    const fetched = ctrain(project, "fetch", "--to", join(destination, "model"));
    expect(fetched.code, fetched.stderr).toBe(0);
    expect(readFileSync(join(destination, "model/model/out/model.json"), "utf8")).toBe(
      readFileSync(join(project, "out/model.json"), "utf8"),
    );
    expect(existsSync(join(project, destination))).toBe(false);
    rmSync(destination, { recursive: true, force: true });
  });
});
