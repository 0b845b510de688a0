import { serveValidationThread } from "@ctrain/data";
import { main } from "./cli.js";
import { useProfileThread } from "./steps.js";

// This bundle is also the entry of validate's threads: those that profile large datasets and those that validate
// several datasets at once.
if (!(await serveValidationThread())) {
  useProfileThread(new URL(import.meta.url));
  process.exitCode = await main(process.argv.slice(2));
}
