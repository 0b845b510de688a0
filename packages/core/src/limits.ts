/** GitHub's limits and the budgets ctrain keeps under them, in one place. */

/** An issue or PR comment body may hold 65,536 characters; ctrain budgets less and links to the rest. */
export const COMMENT_BODY_MAX_CHARS = 65_536;
export const COMMENT_BODY_BUDGET_CHARS = 60_000;

/** A step summary above 1 MiB (UTF-8 bytes) is dropped with an error annotation. */
export const STEP_SUMMARY_MAX_BYTES = 1024 * 1024;

/** Workflow-command annotations: 10 per type per step, 50 per job; messages are cut at 4,096 characters. */
export const ANNOTATIONS_PER_TYPE_PER_STEP = 10;
export const ANNOTATION_MESSAGE_MAX_CHARS = 4096;

/** Checks API: output summary and text hold 65,535 characters; 50 annotations per request; title 255. */
export const CHECK_OUTPUT_MAX_CHARS = 65_535;
export const CHECK_ANNOTATIONS_PER_REQUEST = 50;
export const CHECK_TITLE_MAX_CHARS = 255;

/** Artifacts: retention 1-90 days (90 by default), and these characters are not allowed in names. */
export const ARTIFACT_RETENTION_MIN_DAYS = 1;
export const ARTIFACT_RETENTION_MAX_DAYS = 90;
export const ARTIFACT_NAME_FORBIDDEN_CHARS = ['"', ":", "<", ">", "|", "*", "?", "\\", "/", "\r", "\n"] as const;

/** Cache: a key holds at most 512 characters and no commas; at most 10 keys (key + restore keys). */
export const CACHE_KEY_MAX_CHARS = 512;
export const CACHE_KEYS_MAX = 10;

/** Releases: each asset under 2 GiB, at most 1000 assets per release. */
const RELEASE_ASSET_MAX_BYTES = 2 * 1024 ** 3;
export const RELEASE_ASSETS_MAX = 1000;
/** ctrain splits model files into parts below the asset limit, with room to spare. */
export const RELEASE_ASSET_PART_BYTES = RELEASE_ASSET_MAX_BYTES - 64 * 1024 ** 2;

/**
 * A run-cache entry (the run bundle and the model files) larger than this is neither saved nor restored: GitHub
 * keeps 10 GB of caches per repository, and one run must not evict all the others.
 */
export const RUN_CACHE_ENTRY_MAX_BYTES = 4 * 1024 ** 3;

/** Attestations cover at most 1024 subjects. */
export const ATTESTATION_SUBJECTS_MAX = 1024;

/** Bundles from other runs are hostile: each document and the whole bundle have size ceilings. */
export const BUNDLE_DOCUMENT_MAX_BYTES = 32 * 1024 ** 2;
export const BUNDLE_TOTAL_MAX_BYTES = 256 * 1024 ** 2;
export const BUNDLE_FILES_MAX = 2000;

/**
 * Files users write for ctrain (ctrain.yml, params and metric files) are read whole, so each has a size ceiling;
 * anything that is not a regular file (a directory, FIFO or device) is refused before it is opened for reading.
 * A config is a page of settings: 1 MiB is a hundred times the largest example.
 */
export const CONFIG_FILE_MAX_BYTES = 1024 ** 2;
/** Params files hold hyperparameters, sometimes with lists (vocabularies, grids): 4 MiB. */
export const PARAMS_FILE_MAX_BYTES = 4 * 1024 ** 2;
/** Metric files are summaries; 32 MiB (a bundle document's ceiling) is far above any real one. */
export const METRIC_FILE_MAX_BYTES = BUNDLE_DOCUMENT_MAX_BYTES;
/** YAML parses about 20x slower than JSON (and needs ~50x the text in memory): a YAML file of any kind stops at 4 MiB. */
export const YAML_FILE_MAX_BYTES = 4 * 1024 ** 2;
/** Aliases a YAML file may expand; the yaml package's own default for `maxAliasCount`, which bounds alias bombs. */
export const YAML_ALIASES_MAX = 100;
/**
 * Mappings and lists nested in one another, in any parsed file (YAML, JSON, bundle documents): real files stay
 * under 10; the bound keeps every later walk (schema checks, flattening) far from the call stack's limit.
 */
export const NESTING_DEPTH_MAX = 64;
/** Keys and list items in one config, params or metric file: bounds the work of parsing and checking it. */
export const FILE_NODES_MAX = 200_000;
/** Metrics and params one run records (run.json's `metrics` and `params`): enough for per-class and per-epoch values. */
export const RUN_METRICS_MAX = 10_000;
export const RUN_PARAMS_MAX = 10_000;
/** Model files one run records: a release holds at most 1000 assets (and attestations 1024 subjects). */
export const MODEL_FILES_MAX = RELEASE_ASSETS_MAX;

/**
 * An artifact downloaded from another run (a baseline's run bundle, a fork's report) is extracted under these caps,
 * checked against the archive's directory and again while inflating, so a small archive cannot fill the runner's
 * disk. A bundle never holds more, so the caps are a bundle's own ceilings.
 */
export const ARTIFACT_EXTRACTED_MAX_BYTES = BUNDLE_TOTAL_MAX_BYTES;
export const ARTIFACT_EXTRACTED_MAX_ENTRIES = BUNDLE_FILES_MAX;
