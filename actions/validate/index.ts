import { serveProfileThread } from "@ctrain/data";
import { run } from "./main.js";

// This bundle is also the entry of the thread that profiles large datasets beside the checks.
if (!(await serveProfileThread())) await run();
