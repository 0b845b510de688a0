import { cpSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "@ctrain/core";
import { trainSettingsFromConfig, type TrainSettings } from "@ctrain/train";
import { tempDir } from "../support/temp-dir.js";

export const FIXTURES = fileURLToPath(new URL("../fixtures/train/", import.meta.url));

/** A fresh workspace holding the train fixtures and `files`, with settings read from `ctrainYml`. */
export function workspace(
  ctrainYml: string,
  files: Record<string, string> = {},
  options: { paramOverrides?: Record<string, unknown>; name?: string } = {},
): { root: string; settings: TrainSettings } {
  const root = tempDir("ctrain-ws-");
  // Old timestamps: the fixtures are not outputs of the command under test.
  cpSync(FIXTURES, root, { recursive: true, preserveTimestamps: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  const config = parseConfig(ctrainYml);
  const settings = trainSettingsFromConfig(config, {
    root,
    name: options.name ?? "test",
    paramOverrides: options.paramOverrides,
  });
  return { root, settings };
}
