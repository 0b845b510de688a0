import { serveValidationThread } from "@ctrain/data";
import { run } from "./main.js";

// This bundle is also the entry of validate's threads: those that profile large datasets and those that validate
// several datasets at once.
if (!(await serveValidationThread())) await run();
