// Writes the example's churn dataset: deterministic, so every clone trains the same model.
// `--drift` shifts the training data's customer mix a little (the demo's "new data" on a branch); the test set
// stays the same, so baseline and candidate are scored on the same rows and their predictions can be paired.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const drift = process.argv.includes("--drift");
const outDir = join(here, "data");

/** mulberry32: a tiny seeded generator, enough for example data. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(next) {
  const u = Math.max(next(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
}

const CONTRACTS = ["monthly", "one-year", "two-year"];

function rows(count, seed) {
  const next = random(seed);
  const lines = ["customer_id,tenure_months,monthly_charges,contract,support_calls,churned"];
  for (let i = 0; i < count; i++) {
    const contract = CONTRACTS[next() < (drift ? 0.62 : 0.5) ? 0 : next() < 0.5 ? 1 : 2];
    const tenure = Math.max(0, Math.round((contract === "monthly" ? 14 : 36) + 12 * normal(next)));
    const charges = 30 + 60 * next() + (drift ? 4 : 0);
    const calls = Math.min(9, Math.floor(-Math.log(Math.max(next(), 1e-9)) * (contract === "monthly" ? 2 : 1)));
    const score =
      -1.2 +
      (contract === "monthly" ? 1.4 : contract === "one-year" ? 0 : -1) -
      0.04 * tenure +
      0.012 * charges +
      0.35 * calls;
    const churned = next() < 1 / (1 + Math.exp(-score)) ? 1 : 0;
    const chargesCell = next() < 0.02 ? "" : charges.toFixed(2);
    lines.push(`C${seed}-${String(i).padStart(5, "0")},${tenure},${chargesCell},${contract},${calls},${churned}`);
  }
  return lines.join("\n") + "\n";
}

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "train.csv"), rows(2000, drift ? 11 : 1));
if (!drift) writeFileSync(join(outDir, "test.csv"), rows(600, 2));
console.log(`wrote ${join(outDir, drift ? "train.csv (drifted)" : "train.csv and test.csv")}`);
