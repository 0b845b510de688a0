import { describe, expect, it } from "vitest";
import type { ModelTestDocument } from "@ctrain/core";
import { renderReport } from "@ctrain/report";

function modelTest(overrides: Partial<ModelTestDocument> = {}): ModelTestDocument {
  return {
    schema: "ctrain.model-test/v1",
    createdAt: "2026-01-02T03:05:00Z",
    command: "python serve_check.py",
    passed: true,
    failures: [],
    inputs: { file: "golden.jsonl", requests: 3 },
    contract: { schema: "contract.json", checked: 3, failed: 0 },
    figures: [
      { name: "cold-start-ms", metric: "model-test:cold-start-ms", value: 812.5, budget: 2000, passed: true },
      { name: "p95-ms", metric: "model-test:latency-p95-ms", value: 62.5, budget: 50, passed: false },
    ],
    latency: { requests: 100, warmUp: 10, meanMs: 2, maxMs: 4 },
    model: { files: 1, bytes: 1024 },
    logTail: [],
    ...overrides,
  };
}

const render = (document: ModelTestDocument) => renderReport({ modelTest: document }, { id: "ctrain", charts: false });

describe("the report's model test", () => {
  it("shows the figures against their budgets and passes the report when the model test passed", () => {
    const report = render(modelTest({ figures: [modelTest().figures[0]!] }));
    expect(report.verdict).toBe("no-gates");
    const section = report.files[0]!.content.slice(report.files[0]!.content.indexOf("### Model test"));
    expect(section).toContain("✅ passed");
    expect(section).toContain("3 of 3 responses kept the contract");
    expect(section).toMatch(/\| cold start \| 812\.5 ms \| 2,?000 ms \| ✅ within \|/);
  });

  it("fails the report and its title, and lists each failure with its request line and field, escaped", () => {
    const report = render(
      modelTest({
        passed: false,
        failures: [
          {
            kind: "contract",
            location: "golden.jsonl:2",
            field: "label",
            message: 'the response holds "<img src=x onerror=alert(1)> @org/team", expected "cat"',
          },
          { kind: "budget", message: "p95 latency 62.5 ms is over its budget of 50 ms (model-test.budgets.p95-ms)" },
        ],
      }),
    );
    expect(report.verdict).toBe("failed");
    expect(report.title).toBe("ctrain failed · model test failed");
    expect(report.comment).toMatch(/\| p95 latency \| 62\.5 ms \| 50 ms \| ❌ over \|/);
    expect(report.comment).toContain(String.raw`- golden\.jsonl\:2: label: the response holds`);
    expect(report.comment).not.toMatch(/(^|[^\\])<img/);
    expect(report.comment).not.toMatch(/(^|[^\\`])@org\/team/);
    expect(report.files.find((file) => file.path === "report.html")!.content).not.toContain("<img src=x");
  });

  it("shows the command's last lines when the model could not be loaded", () => {
    const report = render(
      modelTest({
        passed: false,
        figures: [],
        latency: undefined,
        failures: [{ kind: "load", message: "the model could not be loaded: the command exited with code 1" }],
        logTail: ["Traceback (most recent call last):", "_pickle.UnpicklingError: invalid load key"],
      }),
    );
    expect(report.comment).toContain("The command's last lines:");
    expect(report.comment).toContain("_pickle.UnpicklingError: invalid load key");
  });
});
