import { main } from "./cli.js";
import { useProfileThread } from "./steps.js";

// Validate's threads (those that profile large datasets and those that validate several datasets at once) start from
// thread.js, bundled beside this file.
useProfileThread(new URL("./thread.js", import.meta.url));
process.exitCode = await main(process.argv.slice(2));
