import { InertWriter } from "@ctrain/core";

/**
 * The CLI's only way to print: text from data, config, files or other runs reaches these streams, and the
 * CLI also runs inside GitHub workflows, so every write is made inert for the runner (no workflow commands).
 */
export const terminal = {
  out: new InertWriter(process.stdout),
  err: new InertWriter(process.stderr),
};
