import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const created = new Set<string>();

/** A fresh folder in the temp directory, removed once the test file's tests have run (temp-dir-cleanup.ts). */
export function tempDir(prefix: string): string {
  const folder = mkdtempSync(join(tmpdir(), prefix));
  created.add(folder);
  return folder;
}

/** Removes every folder `tempDir` made in this test file. */
export function removeTempDirs(): void {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
  created.clear();
}
