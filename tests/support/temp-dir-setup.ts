import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * Points TMPDIR (and so `os.tmpdir()` in the workers and every child process they start) at a folder of this run's
 * own, so parallel runs never see each other's files, and fails the run when a test leaves anything in it: a test
 * removes what it creates.
 */
export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const folder = mkdtempSync(join(tmpdir(), "ctrain-test-run-"));
  process.env.TMPDIR = folder;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    const leftovers = readdirSync(folder).sort();
    rmSync(folder, { recursive: true, force: true });
    if (leftovers.length > 0) {
      const shown = leftovers.slice(0, 40).join(", ");
      const more = leftovers.length > 40 ? ` and ${leftovers.length - 40} more` : "";
      // Vitest reports an error thrown here but still exits 0: set the exit code ourselves.
      process.stderr.write(`\nFAIL tests left ${leftovers.length} entries in the temp directory: ${shown}${more}\n`);
      process.exitCode = 1;
    }
  };
}
