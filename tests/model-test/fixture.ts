import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Bundle, CtrainConfig, type CtrainConfigInput } from "@ctrain/core";

/**
 * A serve command in node: loads `model.json` (a threshold), prints `ready`, then answers each request
 * `{"x": number}` with `{"label": 0|1, "score": x}`. SERVE_MODE bends it: `crash` exits before ready, `hang` never
 * gets ready (and starts a detached helper), `slow` sleeps SERVE_DELAY_MS per request, `wrong` answers a score out of range on x = 2,
 * `text` answers plain text. Every mode logs to stderr first, as real servers do.
 */
export const SERVE_SCRIPT = `
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
const mode = process.env.SERVE_MODE ?? "ok";
console.error("loading", process.env.CTRAIN_MODEL_FILES);
const [modelFile] = JSON.parse(process.env.CTRAIN_MODEL_FILES);
const model = JSON.parse(readFileSync(modelFile, "utf8"));
if (mode === "crash") { console.error("cannot unpickle the model"); process.exit(3); }
if (mode === "hang") {
  // A helper process in a session of its own, as a server's worker might be: stopping the model must stop it too.
  spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" }).unref();
  setInterval(() => {}, 1000);
}
else {
  console.log("loaded, warming caches");
  console.log("ready");
  const delay = Number(process.env.SERVE_DELAY_MS ?? 0);
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const { x } = JSON.parse(line);
    if (delay) { const until = Date.now() + delay; while (Date.now() < until); }
    if (mode === "text") { console.log("label=" + (x > model.threshold ? 1 : 0)); continue; }
    const score = mode === "wrong" && x === 2 ? 1.5 : x / 4;
    console.log(JSON.stringify({ label: x > model.threshold ? 1 : 0, score }));
  }
}
`;

/** A workspace with a trained run: model.json recorded in the bundle's run.json, golden inputs and a contract. */
export function modelTestWorkspace(modelTest: Record<string, unknown> = {}): {
  root: string;
  bundleDir: string;
  config: CtrainConfig;
} {
  const root = mkdtempSync(join(tmpdir(), "ctrain-model-test-"));
  writeFileSync(join(root, "serve.mjs"), SERVE_SCRIPT);
  writeFileSync(join(root, "model.json"), JSON.stringify({ threshold: 1.5 }));
  writeFileSync(join(root, "golden.jsonl"), [1, 2, 3].map((x) => JSON.stringify({ x })).join("\n") + "\n");
  writeFileSync(
    join(root, "contract.json"),
    JSON.stringify({
      type: "object",
      required: ["label", "score"],
      properties: { label: { enum: [0, 1] }, score: { type: "number", minimum: 0, maximum: 1 } },
    }),
  );
  writeFileSync(join(root, "expected.csv"), "label,score\n0,0.25\n1,0.5\n1,0.75\n");
  const bundleDir = join(root, ".ctrain");
  mkdirSync(bundleDir);
  new Bundle(bundleDir).write("run", {
    schema: "ctrain.run/v1",
    name: "train",
    createdAt: new Date().toISOString(),
    source: {},
    status: "succeeded",
    logTail: [],
    params: {},
    metrics: { accuracy: 0.9 },
    metricFiles: [],
    curves: [],
    datasets: [],
    model: { files: [{ path: "model.json", bytes: 17, sha256: "0".repeat(64), pickle: false }] },
    verdicts: {},
  });
  const input: CtrainConfigInput = {
    "model-test": {
      command: [process.execPath, "serve.mjs"],
      inputs: "golden.jsonl",
      contract: { schema: "contract.json" },
      requests: 20,
      "warm-up": 2,
      "ready-timeout": "20s",
      "request-timeout": "10s",
      ...modelTest,
    } as CtrainConfigInput["model-test"],
  };
  return { root, bundleDir, config: CtrainConfig.parse(input) };
}
