import { resolve, join } from "node:path";
import {
  Bundle,
  DEFAULT_BUNDLE_DIR,
  loadConfig,
  settingOverrides,
  type CtrainConfig,
  type RunSource,
  type SettingOverrides,
} from "@ctrain/core";
import {
  DEFAULT_STORE_DIR,
  GitRepository,
  LocalModelRegistry,
  LocalRunStore,
  createLocalBaselineSource,
  localRunSource,
} from "@ctrain/local";
import { readReleaseBaseline } from "@ctrain/compare";
import { COMMON_OPTIONS, stringOption, type OptionSpec } from "./command.js";

/** Options every step command shares: where the project is and where its files go. */
export const WORKSPACE_OPTIONS = {
  ...COMMON_OPTIONS,
  directory: {
    type: "string",
    short: "C",
    description: "run as if started in this folder (the project root)",
    valueName: "dir",
  },
  bundle: { type: "string", description: `the run bundle folder (default: ${DEFAULT_BUNDLE_DIR})`, valueName: "dir" },
  store: { type: "string", description: `the local store of runs (default: ${DEFAULT_STORE_DIR})`, valueName: "dir" },
} satisfies Record<string, OptionSpec>;

export interface CliWorkspace {
  root: string;
  config: CtrainConfig;
  configFile?: string;
  bundleDir: string;
  store: LocalRunStore;
  registry: LocalModelRegistry;
  source: RunSource;
  /** The branch a change merges into: baselines are its runs (`--base`, else the repository's default branch). */
  baseBranch: string;
}

export function openWorkspace(values: Record<string, unknown>, overrides: SettingOverrides = {}): CliWorkspace {
  const root = resolve(stringOption(values, "directory") ?? ".");
  const { config, file } = loadConfig({ file: stringOption(values, "config"), cwd: root, overrides });
  const source = localRunSource(root);
  return {
    root,
    config,
    configFile: file,
    bundleDir: resolve(root, stringOption(values, "bundle") ?? DEFAULT_BUNDLE_DIR),
    store: new LocalRunStore(resolve(root, stringOption(values, "store") ?? DEFAULT_STORE_DIR)),
    registry: new LocalModelRegistry(resolve(root, config.publish.registry)),
    source,
    baseBranch: stringOption(values, "base") ?? new GitRepository(root).defaultBranch(),
  };
}

/** Flags that override config keys, blamed on the flag when their value is wrong. */
export function flagOverrides(values: Record<string, unknown>, mapping: Record<string, string>): SettingOverrides {
  return settingOverrides(values, mapping, (flag) => `--${flag}`);
}

export function localBaselines(workspace: CliWorkspace) {
  return createLocalBaselineSource({
    store: workspace.store,
    cwd: workspace.root,
    baseBranch: workspace.baseBranch,
    metricFiles: workspace.config.train.metrics,
    currentRun: () => {
      const bundle = new Bundle(workspace.bundleDir);
      return bundle.has("run") ? bundle.read("run") : undefined;
    },
    readRelease: (spec) =>
      readReleaseBaseline(workspace.registry, workspace.config.model?.name, spec, localScratch(workspace)),
  });
}

/** The scratch folder of the local store (downloads of releases, model cards and manifests being written). */
export function localScratch(workspace: CliWorkspace): string {
  return join(workspace.root, ".ctrain-store", "tmp");
}
