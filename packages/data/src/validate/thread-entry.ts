import { serveValidationThread } from "./serve-thread.js";

// The script validate's threads start from, bundled beside the CLI's and the validate action's entry (thread.js):
// a thread then compiles and holds only what validation runs, not the whole CLI or action.
if (!(await serveValidationThread())) {
  process.stderr.write("error: thread.js only starts ctrain's validation threads; run index.js\n");
  process.exitCode = 2;
}
