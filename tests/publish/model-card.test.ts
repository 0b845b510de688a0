import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ComparisonDocument } from "@ctrain/core";
import { renderModelCard, verdictProblems, type ManifestFile, type ModelCardInput } from "@ctrain/publish";
import { LIVE_REFERENCE, nodesOf, parseGfm, visibleText } from "../report/support/gfm.js";
import { MODEL, makeWorkspace } from "./workspace.js";

function modelFile(path: string, pickle: boolean, parts = 1): ManifestFile {
  return {
    path,
    role: "model",
    bytes: 10 * parts,
    sha256: "c".repeat(64),
    pickle,
    parts: Array.from({ length: parts }, (_, index) => ({
      asset: `x.part-${index}`,
      bytes: 10,
      sha256: "c".repeat(64),
    })),
  };
}

function cardInput(overrides: Partial<ModelCardInput> = {}): ModelCardInput {
  const { run, bundle } = makeWorkspace({ metrics: { accuracy: 0.91, "loss.val": 0.25, notes: "ok" } });
  return {
    model: MODEL,
    version: "1.3.0",
    tag: "churn@v1.3.0",
    run: { ...run, metrics: { ...run.metrics, broken: NaN } },
    comparison: bundle.read("comparison"),
    profiles: [
      {
        schema: "ctrain.profile/v1",
        dataset: "test",
        createdAt: "2026-01-01T00:00:00Z",
        rows: 120,
        files: [],
        columns: { age: { type: "integer", count: 120 }, plan: { type: "string", count: 118 } },
      },
    ],
    previous: { tag: "churn@v1.2.0", metrics: { accuracy: 0.9, "loss.val": 0.3 } },
    approval: {
      policy: "review",
      reason: "pull request #7 has 1 of 1 required approval(s)",
      pullRequest: 7,
      approvers: ["ann"],
    },
    modelFiles: [modelFile("model/out/model.pkl", true), modelFile("model/out/big.bin", false, 3)],
    bundleDigest: "e".repeat(64),
    ...overrides,
  };
}

function frontMatterOf(markdown: string): unknown {
  const match = /^---\n([\s\S]*?)\n---\n/.exec(markdown);
  expect(match).not.toBeNull();
  return parse(match![1]!);
}

describe("model card", () => {
  it("carries Hugging Face model-index metadata that parses back", () => {
    const card = renderModelCard(cardInput());
    const meta = frontMatterOf(card.markdown) as Record<string, unknown>;
    expect(meta).toEqual(card.frontMatter);
    expect(meta.license).toBe("mit");
    expect(meta.tags).toEqual(["ctrain", "tabular-classification"]);
    expect(meta["model-index"]).toEqual([
      {
        name: "churn",
        results: [
          {
            task: { type: "tabular-classification" },
            dataset: { type: "test", name: "test", revision: "b".repeat(64) },
            // Only finite numbers: the Hub's metric value is a number.
            metrics: [
              { type: "accuracy", name: "accuracy", value: 0.91 },
              { type: "loss.val", name: "loss.val", value: 0.25 },
            ],
          },
        ],
      },
    ]);
  });

  it("has the sections, the pickle warning and the lineage", () => {
    const { markdown } = renderModelCard(cardInput());
    for (const heading of [
      "## Model details",
      "## Intended use",
      "## Limitations",
      "## Training data",
      "## Evaluation",
      "## Lineage",
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain("> [!WARNING]");
    expect(markdown).toMatch(/`model\/out\/model\.pkl` is a Python pickle/);
    expect(markdown).toContain("Ranking accounts for outreach\\.");
    expect(markdown).toContain("| `model/out/big.bin` | 30 B |");
    expect(markdown).toContain("3 parts");
    expect(markdown).toContain("[\\#\u200B7](https://github.com/octo/models/pull/7)");
    expect(markdown).toContain("[aaaaaaaaaaaa](https://github.com/octo/models/commit/" + "a".repeat(40) + ")");
    expect(markdown).toContain("Approved by: ann");
    expect(markdown).toContain("[-0.002, 0.022] (95% bootstrap\\-bca)");
    expect(markdown).toContain("Profile of test: 120 rows, 2 columns: `age` (integer), `plan` (string)");
  });

  it("summarizes metrics against the previous release", () => {
    const { summary } = renderModelCard(cardInput());
    expect(visibleText(parseGfm(summary))).toContain("against the previous release churn@v1.2.0");
    expect(summary).toContain("| accuracy | 0.91 | 0.9 | +0.01 (+1.11%) |");
    expect(summary).toContain("| loss\\.val | 0.25 | 0.3 | -0.05 (-16.7%) |");
    const first = renderModelCard(cardInput({ previous: undefined })).summary;
    expect(first).toContain("the first release of this model");
    expect(renderModelCard(cardInput()).markdown).not.toContain("> [!WARNING]\n> `model/out/big.bin`");
  });

  it("keeps hostile model names, metric names, config text and approvers inert in the card and the release body", () => {
    const hostile = "<img src=x onerror=alert(1)> | [link](http://evil) *bold* @octocat #12 www.evil.example";
    const input = cardInput();
    input.run = { ...input.run, metrics: { [hostile]: 1 } };
    input.model = { ...MODEL, name: `churn @admins`, description: hostile };
    input.approval = { ...input.approval!, approvers: ["@security-team"] };
    const { markdown, summary } = renderModelCard(input);
    // The front matter holds the name as YAML data; the rendered part must not.
    const body = markdown.slice(markdown.indexOf("\n---\n") + 5);
    for (const text of [body, summary]) {
      const tree = parseGfm(text);
      expect(nodesOf(tree, "html")).toEqual([]);
      expect(nodesOf(tree, "link").map((link) => link.url)).not.toContainEqual(expect.stringContaining("evil"));
      expect(nodesOf(tree, "emphasis")).toEqual([]);
      // GitHub pings and links these after rendering: each must reach it broken by a zero-width space.
      for (const node of nodesOf(tree, "text")) expect(node.value).not.toMatch(LIVE_REFERENCE);
      expect(visibleText(tree)).toContain(hostile);
    }
    expect(visibleText(parseGfm(body))).toContain("Approved by: @security-team");
    expect(
      (frontMatterOf(markdown) as { "model-index": { results: { metrics: { name: string }[] }[] }[] })[
        "model-index"
      ][0]!.results[0]!.metrics[0]!.name,
    ).toBe(hostile);
  });

  it("takes training rows from the profile, keeps counts out of model-index and no local path in the comparison", () => {
    const base = cardInput();
    const run = {
      ...base.run,
      metrics: { ...base.run.metrics, example_count: 120, n_features: 7, "metrics.json:accuracy": 0.5 },
      datasets: [{ name: "test", fingerprint: "d".repeat(64), files: [] }],
    };
    const comparison = {
      ...base.comparison!,
      baseline: {
        kind: "none" as const,
        description: "no successful run recorded for main in /home/ann/churn/.ctrain-store",
        notes: [],
      },
    };
    const card = renderModelCard({ ...base, run, comparison });
    expect(card.markdown).toMatch(/\| test \| 120 \|/);
    const meta = card.frontMatter as { "model-index": { results: { metrics: { name: string }[] }[] }[] };
    const names = meta["model-index"][0]!.results[0]!.metrics.map((metric) => metric.name);
    expect(names).toContain("accuracy");
    expect(names).not.toEqual(expect.arrayContaining(["example_count"]));
    expect(names.some((name) => name === "n_features" || name.includes(":"))).toBe(false);
    expect(card.markdown).not.toContain("/home/ann");
    expect(card.markdown).toContain("Not compared with a baseline (none was available)");
    const local = renderModelCard({
      ...base,
      comparison: {
        ...comparison,
        baseline: {
          kind: "local",
          description: "local run main/3 in /home/ann/x",
          ref: "main",
          commit: "a".repeat(40),
          notes: [],
        },
      },
    });
    expect(local.markdown).toContain("Compared with a local run of main at `aaaaaaaaaaaa`");
    expect(local.markdown).not.toContain("/home/ann");
  });

  it("describes an unnamed dataset without inventing one", () => {
    const input = cardInput();
    input.run = { ...input.run, datasets: [] };
    const meta = renderModelCard(input).frontMatter as { "model-index": { results: { dataset: unknown }[] }[] };
    expect(meta["model-index"][0]!.results[0]!.dataset).toEqual({ type: "custom", name: "unspecified" });
  });
});

describe("gate", () => {
  it("passes a succeeded run with a passed comparison", () => {
    const { run, bundle } = makeWorkspace();
    expect(verdictProblems({ run, comparison: bundle.read("comparison") })).toEqual([]);
  });

  it("names every reason to refuse", () => {
    const { run, bundle } = makeWorkspace({ verdict: "failed" });
    const comparison = bundle.read("comparison");
    expect(verdictProblems({ run, comparison })).toEqual([
      `the comparison verdict is "failed", not "passed": accuracy`,
    ]);
    expect(verdictProblems({ run: { ...run, status: "failed", model: { files: [] } } })).toEqual([
      "the training run ended as failed",
      "the run recorded no model files (set `train.model-files`)",
      "the bundle holds no comparison.json, so no gate has passed (run the compare step first)",
    ]);
    const stale = ComparisonDocument.parse({ ...comparison, verdict: "passed", source: { commit: "f".repeat(40) } });
    expect(verdictProblems({ run, comparison: stale })[0]).toMatch(
      /made at commit ffffffffffff, run.json at aaaaaaaaaaaa/,
    );
    expect(verdictProblems({ run: { ...run, verdicts: { validation: "failed" } }, comparison: stale }).length).toBe(2);
  });
});
