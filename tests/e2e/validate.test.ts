import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  CtrainConfig,
  ProfileDocument,
  loadConfig,
  RunDocument,
  ValidationDocument,
  parseDocument,
  serializeDocument,
} from "@ctrain/core";
import { validateDatasets } from "@ctrain/data";
import { extractArtifactArchive } from "../../packages/github/src/artifact-archive.js";
import type { ActionsRuntime } from "../harness/actions-runtime/index.js";
import type { GitHubFake } from "../harness/github-fake/index.js";
import { startHarness, type Harness } from "../harness/harness.js";
import { runAction, type ActionEvent } from "../harness/run-action.js";
import { loadWebhookExample, retargetWebhook } from "../harness/webhook-examples.js";
import { workflowJobPermissions } from "../harness/workflow-permissions.js";

/** The token of continuous-training.yml's job, exactly as its `permissions:` block grants it. */
const PIPELINE = workflowJobPermissions("continuous-training.yml", "pipeline");

const CONFIG = `
data:
  datasets:
    train:
      path: data/train.csv
      key: id
      label: churned
      columns:
        age: { type: integer, min: 18, max: 100 }
        plan: { allowed-values: [free, pro] }
        spend: { type: float, max-null-share: 0.2 }
`;

/** A seeded CSV of `rows` customers; `shift` moves ages and spend, `bad` rows (by index) get an age of 7. */
function customers(rows: number, options: { seed: number; shift?: number; bad?: number[] }): string {
  let state = options.seed;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const shift = options.shift ?? 0;
  const lines = ["id,age,plan,spend,churned"];
  for (let row = 0; row < rows; row++) {
    const age = options.bad?.includes(row) ? 7 : 20 + Math.floor(next() * 40 + shift * 20);
    const spend = next() < 0.05 ? "" : (next() * 100 + shift * 80).toFixed(2);
    const plan = next() < 0.7 ? "free" : "pro";
    // The label follows the features, so identical features never carry two labels.
    lines.push(`${row + 1},${age},${plan},${spend},${age > 45 && plan === "free" ? "yes" : "no"}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The baseline's bundle, as the base branch's run uploaded it: run.json and the profile of its training data. */
async function baselineBundleFiles(commit: string): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), "ctrain-validate-baseline-"));
  mkdirSync(join(dir, "data"));
  writeFileSync(join(dir, "data", "train.csv"), customers(2000, { seed: 11 }));
  const config = CtrainConfig.parse({ data: { datasets: { train: { path: "data/train.csv" } } } });
  const { profiles } = await validateDatasets(config, { cwd: dir });
  rmSync(dir, { recursive: true, force: true });
  const run = RunDocument.parse({
    schema: "ctrain.run/v1",
    name: "default",
    createdAt: "2026-11-29T08:00:00.000Z",
    source: { repository: "octo/churn", commit, branch: "main" },
    status: "succeeded",
  });
  return { "run.json": serializeDocument(run), "profile/train.json": serializeDocument(profiles[0]) };
}

describe("validate action, end to end", () => {
  let fake: GitHubFake;
  let runtime: ActionsRuntime;
  let workspace: string;

  let harness: Harness;

  beforeEach(async () => {
    harness = await startHarness("ctrain-validate-e2e-");
    ({ fake, runtime, workspace } = harness);
    mkdirSync(join(workspace, "data"));
    writeFileSync(join(workspace, "ctrain.yml"), CONFIG);
  });
  afterEach(() => harness.stop());

  /** The validate action, run as the runner runs it, on a pull_request event (with or without a baseline run). */
  async function validateOnPullRequest(
    options: { baseline: boolean },
    run: Pick<Parameters<typeof runAction>[1], "inputs" | "timeoutMs"> = {},
  ) {
    return runAction("validate", {
      github: fake,
      runtime,
      workspace,
      event: await pullRequest(options),
      permissions: PIPELINE,
      ...run,
    });
  }

  async function pullRequest(options: { baseline: boolean }): Promise<ActionEvent> {
    const repo = fake.state.addRepo("octo/churn");
    const base = fake.state.addCommit(repo, { branch: "main", message: "baseline data" });
    fake.state.addCommit(repo, { branch: "feature", parents: [base.sha], message: "new data" });
    const pull = fake.state.addPull(repo, { head: "feature", user: "alice" });
    if (options.baseline) {
      const run = fake.state.addWorkflowRun(repo, {
        workflow: "ci.yml",
        event: "push",
        headBranch: "main",
        headSha: base.sha,
        conclusion: "success",
      });
      fake.state.addArtifact(run.id, { name: "ctrain-run-default", files: await baselineBundleFiles(base.sha) });
    }
    const payload = retargetWebhook(
      fake,
      loadWebhookExample("pull_request", (p) => p.action === "opened"),
      { repo: "octo/churn", pull: pull.number },
    );
    return { name: "pull_request", payload: payload as unknown as Record<string, unknown> };
  }

  const readValidation = () =>
    parseDocument(
      readFileSync(join(workspace, ".ctrain", "validation.json"), "utf8"),
      ValidationDocument,
      "validation.json",
    );

  it("annotates failing rows, measures drift against the base branch's profile and fails in one line", async () => {
    writeFileSync(join(workspace, "data", "train.csv"), customers(2000, { seed: 5, shift: 1, bad: [1, 3, 40] }));
    const result = await validateOnPullRequest({ baseline: true });

    expect(result.exitCode).toBe(1);
    const rowAnnotations = result.annotations.filter((annotation) => annotation.file !== undefined);
    expect(rowAnnotations.map(({ level, file, line }) => ({ level, file, line }))).toEqual([
      { level: "error", file: "data/train.csv", line: 3 },
      { level: "error", file: "data/train.csv", line: 5 },
      { level: "error", file: "data/train.csv", line: 42 },
    ]);
    expect(rowAnnotations[0]!.title).toBe("ctrain validate: train expect_column_values_to_be_between (age)");
    expect(rowAnnotations[0]!.message).toMatch(/^unexpected value "7": age: 3 of 2,000 non-null values/);
    const failure = result.annotations.filter((annotation) => annotation.file === undefined);
    expect(failure).toHaveLength(1);
    expect(failure[0]!.message).toBe(
      "validation failed: 1 check(s) failed: expect_column_values_to_be_between (age)\n  hint: see the job summary and " +
        join(workspace, ".ctrain", "validation.json"),
    );

    expect(result.outputs.passed).toBe("false");
    expect(result.outputs["failed-checks"]).toBe("1");
    expect(result.outputs["drifted-columns"]?.split(",")).toEqual(expect.arrayContaining(["train.age", "train.spend"]));
    expect(result.outputs["report-path"]).toBe(join(workspace, ".ctrain", "validation.json"));

    const validation = readValidation();
    const dataset = validation.datasets[0]!;
    expect(dataset).toMatchObject({ name: "train", rows: 2000, success: false });
    expect(dataset.files.map((file) => file.path)).toEqual(["data/train.csv"]);
    expect(dataset.drift?.baseline).toMatch(/^the baseline \(main run \d+ at [0-9a-f]{7}\)$/);
    expect(dataset.drift?.columns.find((column) => column.column === "age")).toMatchObject({
      test: "wasserstein",
      drifted: true,
    });
    expect(dataset.drift?.columns.some((column) => column.column === "id")).toBe(false);
    const profile = parseDocument(
      readFileSync(join(workspace, ".ctrain", "profile", "train.json"), "utf8"),
      ProfileDocument,
      "profile",
    );
    expect(profile).toMatchObject({ dataset: "train", rows: 2000 });

    expect(result.summary).toContain("### Data validation");
    // The summary escapes markdown in everything that came from data or config.
    expect(result.summary).toContain("expect\\_column\\_values\\_to\\_be\\_between");
    expect(result.summary).toContain("7 (data\\/train\\.csv\\:3)");
    const groups = result.commands.filter((command) => command.command === "group").map((command) => command.message);
    expect(groups).toContain("Validate dataset train");
    expect(result.log).toMatch(/baseline: main run \d+ at [0-9a-f]{7}/);
  });

  it("keeps to GitHub's ten annotations of a type per step, sharing them among failed checks", async () => {
    writeFileSync(
      join(workspace, "ctrain.yml"),
      CONFIG.replace("plan: { allowed-values: [free, pro] }", "plan: { allowed-values: [free] }"),
    );
    writeFileSync(join(workspace, "data", "train.csv"), customers(300, { seed: 5, bad: [...Array(40).keys()] }));
    const result = await validateOnPullRequest({ baseline: false }, { inputs: { baseline: "none" } });
    const errors = result.annotations.filter((annotation) => annotation.level === "error");
    expect(errors).toHaveLength(10);
    const titles = errors.filter((annotation) => annotation.file).map((annotation) => annotation.title);
    expect(titles).toHaveLength(9);
    expect(new Set(titles)).toEqual(
      new Set([
        "ctrain validate: train expect_column_values_to_be_between (age)",
        "ctrain validate: train expect_column_values_to_be_in_set (plan)",
      ]),
    );
  });

  it("passes clean data without a baseline and without touching the API", async () => {
    writeFileSync(join(workspace, "data", "train.csv"), customers(500, { seed: 3 }));
    const result = await validateOnPullRequest({ baseline: false }, { inputs: { baseline: "none" } });
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({ passed: "true", "failed-checks": "0", "drifted-columns": "" });
    expect(result.annotations).toEqual([]);
    expect(fake.requests).toEqual([]);
    expect(readValidation().statistics).toMatchObject({ unsuccessful_expectations: 0, success_percent: 100 });
  });

  it("stops at a ragged row with one line naming file:line, after writing what was checked before it", async () => {
    // Past the first 1 MiB batch, so the rows before it are checked.
    const rows = customers(60_000, { seed: 3 }).split("\n");
    rows.splice(55_000, 1, "55000,41,free,12.5,no,extra");
    writeFileSync(join(workspace, "data", "train.csv"), rows.join("\n"));
    const result = await validateOnPullRequest({ baseline: false }, { inputs: { baseline: "none" } });
    expect(result.exitCode).toBe(1);
    const failure = result.annotations.find((annotation) => annotation.file === undefined)!;
    expect(failure.message.split("\n")[0]).toMatch(/^data\/train\.csv:55001: .*expected 5 fields.*got 6/);
    expect(result.annotations.find((annotation) => annotation.file)).toMatchObject({
      file: "data/train.csv",
      line: 55001,
    });
    const validation = readValidation();
    expect(validation.success).toBe(false);
    expect(validation.errors).toEqual([expect.objectContaining({ location: "data/train.csv:55001" })]);
    const checked = validation.datasets[0]!;
    expect(checked.rows).toBeGreaterThan(0);
    expect(checked.rows).toBeLessThan(55_000);
    expect(checked.results.map((r) => r.check)).toContain("expect_column_values_to_be_between");
    // Row counts need every row, so a partial report leaves them out.
    expect(checked.results.some((r) => r.check.startsWith("expect_table_row_count"))).toBe(false);
    expect(result.outputs.passed).toBe("false");
  });

  it("reports an invalid JSON Schema by its own path, and still validates the other datasets", async () => {
    writeFileSync(join(workspace, "row.schema.json"), '{"type": "object", "properties": {"age": {"type": "int"}}}');
    writeFileSync(
      join(workspace, "ctrain.yml"),
      `${CONFIG}    holdout:\n      path: data/holdout.csv\n      schema: row.schema.json\n`,
    );
    writeFileSync(join(workspace, "data", "train.csv"), customers(100, { seed: 3 }));
    writeFileSync(join(workspace, "data", "holdout.csv"), customers(100, { seed: 4 }));
    const result = await validateOnPullRequest({ baseline: false }, { inputs: { baseline: "none" } });
    expect(result.exitCode).toBe(1);
    const failure = result.annotations.find((annotation) => annotation.file === undefined)!;
    expect(failure.message.split("\n")[0]).toMatch(
      /^row\.schema\.json: invalid JSON Schema: schema is invalid: data\/properties\/age\/type/,
    );
    const validation = readValidation();
    expect(validation.datasets.map((dataset) => [dataset.name, dataset.rows, dataset.success])).toEqual([
      ["train", 100, true],
      ["holdout", 0, false],
    ]);
    expect(validation.errors[0]).toMatchObject({ location: "row.schema.json" });
  });

  it("reads and profiles a large dataset on a second thread started from the action's thread.js", async () => {
    // Past the 64 MiB from which the action reads and profiles on a worker thread that hands batches to the checks.
    const line = "12345678,0.123456789,category-a,2024-01-02T03:04:05Z\n";
    const rows = Math.ceil((65 * 1024 * 1024) / line.length);
    writeFileSync(
      join(workspace, "ctrain.yml"),
      "data:\n  datasets:\n    big:\n      path: data/big.csv\n      duplicate-rows: ignore\n      columns:\n        x: { max: 1 }\n",
    );
    writeFileSync(join(workspace, "data", "big.csv"), `id,x,c,t\n${line.repeat(rows)}`);
    const result = await validateOnPullRequest(
      { baseline: false },
      { inputs: { baseline: "none" }, timeoutMs: 300_000 },
    );
    expect(result.exitCode).toBe(0);
    const profile = parseDocument(
      readFileSync(join(workspace, ".ctrain", "profile", "big.json"), "utf8"),
      ProfileDocument,
      "profile",
    );
    expect(profile.rows).toBe(rows);
    // Columns are dealt out to both threads: each counts every row, whichever thread profiled it.
    for (const name of ["id", "x", "c", "t"]) expect(profile.columns[name]).toMatchObject({ count: rows });
    expect(profile.columns.x).toMatchObject({ type: "float" });
    const dataset = readValidation().datasets[0]!;
    expect(dataset).toMatchObject({ name: "big", rows, success: true });
    const range = dataset.results.find((result) => result.check === "expect_column_values_to_be_between")!;
    expect(range.result).toMatchObject({ element_count: rows, unexpected_count: 0 });
    expect(result.log).toContain("big: read on a second thread; ");
  }, 300_000);

  it("merges shard profiles from a matrix into the profile one pass over all files gives", async () => {
    const whole = customers(3000, { seed: 8 }).split("\n");
    const header = whole[0]!;
    const shards = [whole.slice(1, 1200), whole.slice(1200, 3001)];
    for (const [index, lines] of shards.entries()) {
      writeFileSync(join(workspace, "data", `part-${index}.csv`), `${header}\n${lines.join("\n")}\n`);
    }
    writeFileSync(join(workspace, "data", "all.csv"), whole.join("\n"));
    // Each matrix job validates its shard into its own bundle; the fan-in job downloads them side by side.
    for (const index of [0, 1]) {
      const config = CtrainConfig.parse({
        data: { datasets: { train: { path: `data/part-${index}.csv`, key: "id" } } },
      });
      const { validation, profiles } = await validateDatasets(config, { cwd: workspace, seed: index });
      const dir = join(workspace, "shards", `bundle-${index}`, "profile");
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "train.json"), serializeDocument(profiles[0]));
      writeFileSync(join(dir, "..", "validation.json"), serializeDocument(validation));
    }
    const result = await validateOnPullRequest(
      { baseline: false },
      { inputs: { baseline: "none", "merge-profiles": "shards/bundle-*" } },
    );
    expect(result.exitCode).toBe(0);
    const merged = parseDocument(
      readFileSync(join(workspace, ".ctrain", "profile", "train.json"), "utf8"),
      ProfileDocument,
      "merged",
    );
    const single = await validateDatasets(
      CtrainConfig.parse({ data: { datasets: { train: { path: "data/all.csv" } } } }),
      { cwd: workspace },
    );
    const reference = single.profiles[0]!;
    expect(merged.rows).toBe(3000);
    expect(merged.files.map((file) => file.path)).toEqual(["data/part-0.csv", "data/part-1.csv"]);
    expect(merged.fingerprint).toBe(reference.fingerprint);
    for (const column of ["age", "spend", "plan"]) {
      const [mine, theirs] = [merged.columns[column]!, reference.columns[column]!] as Record<string, unknown>[];
      expect({ count: mine!.count, nullCount: mine!.nullCount }).toEqual({
        count: theirs!.count,
        nullCount: theirs!.nullCount,
      });
    }
    const validation = readValidation();
    const unique = validation.datasets[0]!.results.find((r) => r.check === "expect_column_values_to_be_unique")!;
    expect(unique.result.element_count).toBe(3000);
    expect(unique.message).toMatch(/^2 shard\(s\): 0 of 3,000 unexpected/);
  });

  it("merges shard bundles a matrix uploaded, joining keys across shards, and refuses a tampered shard", async () => {
    // Four files; ids repeat within a file and across files of different shards.
    const header = "id,age,plan,spend,churned";
    const parts = [
      ["1,30,free,1.00,no", "2,31,pro,2.00,no", "1,32,free,3.00,yes"],
      ["3,33,pro,4.00,no", "4,34,free,5.00,no"],
      ["2,35,pro,6.00,no", "5,36,free,7.00,yes"],
      ["4,37,pro,8.00,no", "6,38,free,9.00,no", "6,39,pro,1.50,no"],
    ];
    for (const [i, rows] of parts.entries()) {
      writeFileSync(join(workspace, "data", `part-${i}.csv`), `${header}\n${rows.join("\n")}\n`);
    }
    writeFileSync(join(workspace, "ctrain.yml"), CONFIG.replace("path: data/train.csv", "path: data/part-*.csv"));
    const event = await pullRequest({ baseline: false });
    const repo = fake.state.repos.get("octo/churn")!;
    const run = fake.state.addWorkflowRun(repo, {
      workflow: "ctrain.yml",
      event: "pull_request",
      headBranch: "feature",
    });
    const shardPermissions = workflowJobPermissions("continuous-training.yml", "validate-shard");
    // The matrix jobs: each validates its share on its own runner and uploads its bundle.
    for (const shard of [1, 2]) {
      const result = await runAction("validate", {
        github: fake,
        runtime,
        workspace,
        event,
        permissions: shardPermissions,
        inputs: { baseline: "none", bundle: `.ctrain-shard-${shard}`, shard: `${shard}/2`, "fail-on-error": "false" },
      });
      expect(result.exitCode, result.log).toBe(0);
      const bundle = join(workspace, `.ctrain-shard-${shard}`);
      const files = Object.fromEntries(
        (readdirSync(bundle, { recursive: true }) as string[])
          .filter((name) => /\.(json|bin)$/.test(name))
          .map((name) => [name, readFileSync(join(bundle, name))]),
      );
      fake.state.addArtifact(run.id, { name: `ctrain-shard-ctrain-${shard}`, files });
      rmSync(bundle, { recursive: true });
    }
    // The pipeline job downloads them as actions/download-artifact does (one folder per artifact) and merges.
    const download = () => {
      rmSync(join(workspace, ".ctrain-shards"), { recursive: true, force: true });
      for (const artifact of [...repo.artifacts.values()].filter((record) => record.runId === run.id)) {
        const zip = join(workspace, `${artifact.name}.zip`);
        writeFileSync(zip, artifact.content);
        extractArtifactArchive(zip, join(workspace, ".ctrain-shards", artifact.name), artifact.name, {
          maxBytes: 1e8,
          maxEntries: 1000,
        });
        rmSync(zip);
      }
    };
    download();
    const mergeShards = () =>
      runAction("validate", {
        github: fake,
        runtime,
        workspace,
        event,
        permissions: PIPELINE,
        inputs: { baseline: "none", "merge-profiles": ".ctrain-shards/*" },
      });
    const merged = await mergeShards();
    const single = await validateDatasets(loadConfig({ cwd: workspace }).config, { cwd: workspace });
    const key = (results: ValidationDocument["datasets"][number]["results"]) =>
      results.find((result) => result.check === "expect_column_values_to_be_unique");
    const expected = key(single.validation.datasets[0]!.results)!;
    expect(key(readValidation().datasets[0]!.results)).toEqual(expected);
    // Duplicate rows are joined across shards too.
    const rows = (results: ValidationDocument["datasets"][number]["results"]) =>
      results.find((result) => result.check === "expect_table_rows_to_be_unique");
    expect(rows(single.validation.datasets[0]!.results)).toBeDefined();
    expect(rows(readValidation().datasets[0]!.results)).toEqual(rows(single.validation.datasets[0]!.results));
    // 1 repeats within part-0, 2 and 4 across shards, 6 within part-3.
    expect(expected.result.partial_unexpected_list.map((example) => example.value)).toEqual(["1", "2", "4", "6"]);
    expect(merged.exitCode).toBe(1);
    expect(merged.log).toContain("train: expect_column_values_to_be_unique (id) joined across 2 shard(s)");

    // A shard artifact whose partition was swapped for another's bytes is refused, naming the file.
    const keys = join(workspace, ".ctrain-shards", "ctrain-shard-ctrain-2", "keys", "train", "key");
    const partition = readdirSync(keys).find(
      (name) => /^p\d\d\.bin$/.test(name) && readFileSync(join(keys, name)).length > 0,
    )!;
    const bytes = readFileSync(join(keys, partition));
    bytes.writeUInt32LE((bytes.readUInt32LE(0) ^ 0x80000000) >>> 0, 0);
    writeFileSync(join(keys, partition), bytes);
    const refused = await mergeShards();
    expect(refused.exitCode).toBe(1);
    const failure = refused.annotations.find((annotation) => annotation.file === undefined)!;
    expect(failure.message).toContain(`keys/train/key/${partition}: record 0 belongs to another partition`);
    expect(failure.message).toContain("validate that shard again");
  });

  it("cuts one file into byte-range shards at record boundaries and merges them into the one-pass validation", async () => {
    // One file with quoted line breaks; ids repeat within and across the shares three matrix jobs read.
    const rows = Array.from({ length: 300 }, (_, i) => {
      const plan = i % 7 === 0 ? '"pro\nplus"' : i % 2 ? "free" : "pro";
      return `${i % 97 === 96 ? 5 : i},${20 + (i % 60)},${plan},${(i % 13).toFixed(2)},${i % 3 ? "no" : "yes"}`;
    });
    writeFileSync(join(workspace, "data", "train.csv"), `id,age,plan,spend,churned\n${rows.join("\n")}\n`);
    const event = await pullRequest({ baseline: false });
    const shardPermissions = workflowJobPermissions("continuous-training.yml", "validate-shard");
    for (const shard of [1, 2, 3]) {
      const result = await runAction("validate", {
        github: fake,
        runtime,
        workspace,
        event,
        permissions: shardPermissions,
        inputs: {
          baseline: "none",
          bundle: `.ctrain-shards/${shard}`,
          shard: `${shard}/3`,
          "fail-on-error": "false",
        },
      });
      expect(result.exitCode, result.log).toBe(0);
      expect(result.log).toMatch(
        new RegExp(`train: shard ${shard}/3: data/train\\.csv bytes \\d+-\\d+ \\(from line \\d+\\)`),
      );
    }
    const merged = await runAction("validate", {
      github: fake,
      runtime,
      workspace,
      event,
      permissions: PIPELINE,
      inputs: { baseline: "none", "merge-profiles": ".ctrain-shards/*" },
    });
    expect(merged.exitCode, merged.log).toBe(1);
    const single = await validateDatasets(loadConfig({ cwd: workspace }).config, { cwd: workspace });
    const [one] = single.validation.datasets;
    const [all] = readValidation().datasets;
    expect(all!.files).toEqual(one!.files);
    expect(all!.rows).toBe(300);
    const key = (results: ValidationDocument["datasets"][number]["results"]) =>
      results.find((result) => result.check === "expect_column_values_to_be_unique");
    expect(key(all!.results)).toEqual(key(one!.results));
    expect(key(one!.results)!.result.unexpected_count).toBe(3);
  });
});
