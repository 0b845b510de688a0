// Reads a dataset through the streaming API and prints what stayed in memory. Run as
// `node --expose-gc scripts/run-ts.mjs tests/data/readers/memory-probe.ts <file> [--retain]`;
// `--retain` keeps every cell, as a reader that held rows would (the control that must run out of heap).
import { setImmediate } from "node:timers/promises";
import { readBatches } from "@ctrain/readers";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run node with --expose-gc");
const retain = process.argv.includes("--retain");
const retained: unknown[] = [];
const alive: WeakRef<object>[] = [];
let batches = 0;
let rows = 0;
let maxAliveBatches = 0;
let maxBatchRows = 0;
for await (const batch of readBatches(process.argv[2]!)) {
  for (let col = 0; col < batch.columns.length; col++) {
    const values = batch.column(col);
    if (retain) retained.push(values);
  }
  rows += batch.rows;
  maxBatchRows = Math.max(maxBatchRows, batch.rows);
  alive.push(new WeakRef(batch));
  if (++batches % 64 === 0) {
    await setImmediate(); // WeakRef targets stay alive until the current job ends
    gc();
    maxAliveBatches = Math.max(maxAliveBatches, alive.filter((ref) => ref.deref() !== undefined).length);
  }
}
console.log(
  JSON.stringify({ batches, rows, maxAliveBatches, maxBatchRows, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
);
