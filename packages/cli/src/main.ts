import { serveProfileThread } from "@ctrain/data";
import { main } from "./cli.js";
import { useProfileThread } from "./steps.js";

// This bundle is also the entry of the thread that reads and profiles large datasets beside the checks.
if (!(await serveProfileThread())) {
  useProfileThread(new URL(import.meta.url));
  process.exitCode = await main(process.argv.slice(2));
}
