/**
 * What each `ctrain.yml` key means, by dotted path (`*` stands for a name the user chooses). The generated JSON Schema
 * (editor hovers) and the configuration reference both read it; a test fails when a key has no entry.
 */
export const CONFIG_KEY_DESCRIPTIONS: Record<string, string> = {
  version: "Version of this file's format. Always 1.",
  model: "The model this repository trains; needed to publish releases.",
  "model.name": "Model name: release tags are `<name>@v<version>`.",
  "model.task":
    "Task, as Hugging Face names it (tabular-classification, text-classification, tabular-regression, ...).",
  "model.description": "One paragraph for the model card.",
  "model.intended-use": "Intended use, for the model card.",
  "model.limitations": "Known limitations, for the model card.",
  "model.license": "License identifier for the model card (e.g. mit, apache-2.0).",
  data: "Datasets to validate and profile, and how drift is measured.",
  "data.datasets": "Datasets by name. Each name becomes `profile/<name>.json` in the run bundle.",
  "data.datasets.*": "One dataset: one file, a glob, or a list of shards read as one.",
  "data.datasets.*.path": "File, glob or list of files (CSV/TSV, JSON Lines, Parquet, optionally gzip-compressed).",
  "data.datasets.*.format": "File format; `auto` decides by extension.",
  "data.datasets.*.delimiter": "Field delimiter for delimited text (default: `,` for CSV, tab for TSV).",
  "data.datasets.*.nul-bytes":
    "NUL bytes (0x00) in CSV, TSV or JSON Lines files: `error` stops at the file:line that holds one (text data holds none: it is usually a binary or UTF-16 file); `keep` reads them as part of CSV cells (JSON never holds a raw NUL).",
  "data.datasets.*.schema":
    "A JSON Schema file every row must satisfy, or `infer` to derive one from the baseline's profile.",
  "data.datasets.*.label": "The label column: enables class balance, new-label and conflicting-label checks.",
  "data.datasets.*.key": "Column(s) whose values must be unique together.",
  "data.datasets.*.columns": "Rules per column, by column name.",
  "data.datasets.*.columns.*": "Rules for one column.",
  "data.datasets.*.columns.*.type": "Expected type; cells that do not parse as it are unexpected.",
  "data.datasets.*.columns.*.required": "The column must be present.",
  "data.datasets.*.columns.*.max-null-share": "Largest allowed share of empty cells (0 to 1).",
  "data.datasets.*.columns.*.min": "Smallest allowed value (inclusive).",
  "data.datasets.*.columns.*.max": "Largest allowed value (inclusive).",
  "data.datasets.*.columns.*.allow-nan": "Allow NaN and infinite values.",
  "data.datasets.*.columns.*.allowed-values": "The only values allowed.",
  "data.datasets.*.columns.*.regex":
    "Every non-empty value must match this regular expression, searched anywhere in the value (anchor with ^ and $). RE2 syntax, matched in time linear in the value: no lookaround or backreferences.",
  "data.datasets.*.columns.*.min-length": "Shortest allowed string length.",
  "data.datasets.*.columns.*.max-length": "Longest allowed string length.",
  "data.datasets.*.columns.*.unique": "Values must be unique.",
  "data.datasets.*.columns.*.mostly":
    "Share of values that must pass this column's checks (Great Expectations' `mostly`).",
  "data.datasets.*.columns.*.severity": "`error` fails validation; `warn` only reports.",
  "data.datasets.*.columns.*.drift": "Override the drift test for this column.",
  "data.datasets.*.columns.*.drift.test": "Drift test; `auto` picks by type and baseline size as Evidently does.",
  "data.datasets.*.columns.*.drift.threshold": "Threshold: a p-value for ks/chi-square/z-test, a score for the others.",
  "data.datasets.*.unexpected-columns": "What to do with columns the config and schema do not name.",
  "data.datasets.*.rows": "Row count bounds.",
  "data.datasets.*.rows.min": "Fewest rows allowed.",
  "data.datasets.*.rows.max": "Most rows allowed.",
  "data.datasets.*.rows.min-ratio-to-baseline": "Fewest rows allowed, as a multiple of the baseline's row count.",
  "data.datasets.*.rows.max-ratio-to-baseline": "Most rows allowed, as a multiple of the baseline's row count.",
  "data.datasets.*.duplicate-rows": "What to do with rows that repeat exactly.",
  "data.datasets.*.label-checks": "Checks on the label column.",
  "data.datasets.*.label-checks.min-class-share": "Smallest share any class may have.",
  "data.datasets.*.label-checks.new-labels": "What to do with labels the baseline never had.",
  "data.datasets.*.label-checks.conflicting-labels":
    "What to do with identical feature rows that carry different labels.",
  "data.datasets.*.mostly": "Default `mostly` for this dataset's column checks.",
  "data.datasets.*.severity": "Default severity for this dataset's checks.",
  "data.drift": "Drift against the baseline's profiles.",
  "data.drift.enabled": "Measure drift when a baseline exists.",
  "data.drift.dataset-share": "The dataset has drifted when this share of its columns drifted (Evidently: 0.5).",
  "data.drift.sample-size": "Raw values kept per column for tests that need them (KS, Wasserstein).",
  "data.drift.fail-on-drift": "Fail validation when the dataset drifted.",
  "data.max-line-bytes": "Longest line (or record) a reader accepts before it reports the file as malformed.",
  "data.threads":
    "Threads validate reads, checks and profiles with (each with its own memory budget), one large dataset at a time or several small ones at once; default: every core the machine offers.",
  train: "The training command and what it produces.",
  "train.command": "The command, run with `bash -eo pipefail`.",
  "train.working-directory": "Folder the command runs in.",
  "train.timeout": "Time limit (`30s`, `90m`, `2h` or minutes); the whole process tree is stopped when it passes.",
  "train.kill-grace": "Seconds between TERM and KILL when the command is stopped.",
  "train.env": "Extra environment variables for the command.",
  "train.params":
    "Params: a YAML/JSON file, or a mapping written here. Flattened `a.b.c`. Overrides (`--param`, the `params` input) are written into the file for the run, in its format (YAML comments kept), and the original bytes restored afterwards; `<file>.ctrain-backup` lets the next run restore it after a kill. The effective params are in the JSON file `$CTRAIN_PARAMS_FILE`.",
  "train.metrics": "Metrics files the command writes (JSON, YAML, CSV/TSV).",
  "train.predictions": "Predictions file the command writes (CSV or JSON Lines) for evaluation and significance tests.",
  "train.curves": "Learning-curve files (CSV or JSON Lines of step and metric values).",
  "train.model-files": "Globs of the model files to record (size, sha256) and publish.",
  "train.log-tail-lines": "Lines of the command's output kept for the report.",
  "train.cache": "Folders to cache between runs with the Actions cache.",
  "train.cache.paths": "Folders to cache.",
  "train.cache.key-files": "Files whose content makes the cache key (lockfiles, data manifests).",
  "train.cache.key-prefix": "Prefix of the cache key.",
  "train.run-cache":
    "Skip training when nothing that decides its result changed (command, code, data, params, lockfiles, runner OS and architecture, declared environment): the results of the run that trained are restored. `false` turns it off.",
  "train.run-cache.code": "Paths whose files fingerprint the code (default: every file git tracks).",
  "train.run-cache.environment": "Environment variables whose values also decide the result (e.g. CUDA_VERSION).",
  compare: "How the candidate is compared with its baseline.",
  "compare.baseline":
    "Where the baseline comes from: auto, none, branch:<name>, release:<tag|latest>, run:<id>, git:<ref>, path:<folder>.",
  "compare.metrics": "Gates by metric name (flattened `a.b.c`; slices as `slice:<column>=<value>/<metric>`).",
  "compare.metrics.*": "The gate of one metric.",
  "compare.metrics.*.direction": "Whether higher or lower values are better.",
  "compare.metrics.*.min": "Value threshold: the candidate must be at least this (inclusive).",
  "compare.metrics.*.max": "Value threshold: the candidate must be at most this (inclusive).",
  "compare.metrics.*.change": "Change threshold on candidate - baseline, in the better direction.",
  "compare.metrics.*.change.absolute": "Required change; negative allows a regression of at most this much.",
  "compare.metrics.*.change.relative":
    "Required change relative to |baseline|; negative allows a relative regression of at most this much.",
  "compare.metrics.*.significance":
    "How the change bound is tested, at `alpha`, by the same question for every test: `regression` fails only a significant violation (one-sided), `improvement` passes only a significant clearance (one-sided), `both` decides only what a two-sided test shows. The improved / regressed / unchanged label always comes from the test, never from the sign alone.",
  "compare.metrics.*.alpha":
    "Significance level of the change test: labels use a two-sided interval at 1 - alpha, the bound test this level.",
  "compare.fail-on-regression": "Fail the step when a gate fails (the comparison is recorded either way).",
  "compare.show-unchanged": "Show unchanged metrics in the diff.",
  "compare.bootstrap": "Paired bootstrap of metric deltas when both runs have predictions on the same test set.",
  "compare.bootstrap.resamples": "Number of bootstrap resamples.",
  "compare.bootstrap.seed": "Seed, so intervals are reproducible.",
  "compare.noise-band":
    "Without paired predictions, the base branch's run-to-run spread (1.4826 x MAD of its trusted runs) tests a change between two runs.",
  "compare.noise-band.min-runs": "Fewest baseline runs needed for a band.",
  "compare.predictions":
    "How to read the predictions file: ctrain evaluates it and pairs baseline and candidate rows for significance tests.",
  "compare.predictions.task":
    "Which metrics the predictions get: `binary`, `multiclass`, `multilabel`, `regression`, `quantile` or `ranking` (`classification` is binary or multiclass by the labels). `auto` reads it off the file: `<y-true>_<label>` columns without `<y-true>` mean multilabel, a `group` column ranking, `<quantile-prefix><level>` columns quantile, scores, probabilities or whole-number labels classification, fractional true values regression.",
  "compare.predictions.y-true": "Column of true labels or values.",
  "compare.predictions.y-pred": "Column of predicted labels or values.",
  "compare.predictions.score": "Binary classification: column of the positive class's score or probability.",
  "compare.predictions.proba-prefix": "Multiclass: probability columns are `<prefix><class>`.",
  "compare.predictions.positive-label": "Binary classification: the positive label (default: the greater label).",
  "compare.predictions.slice":
    "Columns to compute metrics per value of: one column, or a list whose entries are a column or a list of columns to cross (`[country, plan, [country, plan]]`). Keys: `slice:<column>=<value>/<metric>`, crossed `slice:<a>=<x>,<b>=<y>/<metric>`; per grouping, `slice-worst:<grouping>/<metric>` and `slice-gap:<grouping>/<metric>` (best minus worst) over the slices with enough rows, a crossed grouping written `<a>,<b>`. Gates may name those keys, `*` matching any value.",
  "compare.predictions.min-slice-rows":
    "A slice with fewer rows is reported with its size and metrics but not gated, and left out of `slice-worst` and `slice-gap`.",
  "compare.predictions.k":
    "Cut-offs, a list (`[3, 5]`): `top_k_accuracy@<k>` for multiclass probabilities (default 3, only below the number of classes), `ndcg@<k>` and `map@<k>` for ranking (default 10).",
  "compare.predictions.group":
    "Ranking: the column naming each row's query; its rows are ranked by `score` and judged by their relevance in `y-true` (a number >= 0).",
  "compare.predictions.quantile-prefix":
    "Quantile regression: predicted quantiles are the columns `<prefix><level>` (`quantile_0.1`, `quantile_0.9`), each scored by `pinball_loss@<level>`.",
  "compare.predictions.key":
    "The column naming each row (default: an `id` column when both runs' files have one): rows pair by it, over the rows both runs scored, whatever their order or extra columns; without it rows pair by position.",
  "compare.objective": "For sweeps: the metric that ranks the candidate runs.",
  "compare.objective.metric": "Metric name.",
  "compare.objective.direction": "Whether higher or lower is better.",
  "compare.workflow": "Workflow file or id whose runs hold baselines (default: the current workflow).",
  report: "Where and how the report is shown.",
  "report.id": "Report id; matrix jobs with different ids keep separate PR comments.",
  "report.comment": "`sticky`: one PR comment updated in place; `new`: a new comment each run; `off`.",
  "report.commit-comment": "On push events, also comment on the commit.",
  "report.check-run": "Create a check run with the verdict and annotations.",
  "report.max-comment-chars": "Budget for the PR comment (GitHub's limit is 65,536).",
  "report.charts": "Include trend and learning-curve charts (Mermaid in comments, SVG in files).",
  "report.trend-runs": "How many of the base branch's recent runs the trend chart shows.",
  "model-test":
    "Load the trained model in a clean process and check it serves: golden inputs, an output contract, latency, memory and size budgets (docs/actions/model-test.md).",
  "model-test.command":
    "The load-and-predict command: a string run with `bash` (like train.command) or a list run as-is without a shell. It prints `ready` once the model is loaded, then answers each JSON request line on stdin with one JSON line on stdout. `$CTRAIN_MODEL_DIR` is the workspace the model files are relative to, `$CTRAIN_MODEL_FILES` a JSON array of their absolute paths.",
  "model-test.working-directory": "Folder the command runs in, relative to the workspace.",
  "model-test.inputs":
    "The golden inputs: a JSON Lines file (one request object a line) or a CSV file (one request a row).",
  "model-test.format": "Format of the inputs file; `auto` decides by extension.",
  "model-test.contract":
    "What every response must satisfy; a response that breaks it fails the stage, naming the request's line and field.",
  "model-test.contract.schema":
    "A JSON Schema file each response is validated against (ajv; draft-07 unless `$schema` says otherwise).",
  "model-test.contract.expected":
    "A CSV of expected outputs, one row per golden input in the same order, one column per response field; an empty cell is not checked.",
  "model-test.contract.absolute-tolerance":
    "Numbers match when |response - expected| <= absolute-tolerance + relative-tolerance x |expected| (numpy's isclose).",
  "model-test.contract.relative-tolerance": "Relative part of the numeric tolerance (see absolute-tolerance).",
  "model-test.requests": "Timed requests, cycling over the golden inputs, for the latency percentiles.",
  "model-test.warm-up": "Requests sent after the contract pass and before the timed ones, not timed.",
  "model-test.ready-timeout":
    "How long the command may take to print `ready` (`30s`, `2m` or minutes); past it, the model could not be loaded.",
  "model-test.request-timeout": "How long one response may take (`30s`, `2m` or minutes).",
  "model-test.env": "Extra environment variables for the command.",
  "model-test.image":
    "A container image to run the command in: `docker run --rm -i --network none` with the workspace mounted read-only. Needs Docker on the runner.",
  "model-test.budgets":
    "Limits on the figures; each figure is also recorded as a run metric (`model-test:latency-p95-ms`, ...) that compare.metrics can gate against the baseline.",
  "model-test.budgets.p50-ms": "Largest median request latency, in milliseconds (`model-test:latency-p50-ms`).",
  "model-test.budgets.p95-ms":
    "Largest 95th-percentile request latency, in milliseconds (`model-test:latency-p95-ms`).",
  "model-test.budgets.p99-ms":
    "Largest 99th-percentile request latency, in milliseconds (`model-test:latency-p99-ms`).",
  "model-test.budgets.cold-start-ms":
    "Longest time from start to `ready`, in milliseconds (`model-test:cold-start-ms`).",
  "model-test.budgets.peak-memory-mb":
    "Largest resident memory of the command's process tree, in MiB (`model-test:peak-memory-mb`); not measured with `image`.",
  "model-test.budgets.model-size-mb":
    "Largest total size of the run's model files, in MiB (`model-test:model-size-mb`).",
  publish: "Releasing approved models.",
  "publish.approval": "Approval policy: review, label:<name>, environment or none.",
  "publish.required-approvals": "Approvals needed under the `review` policy.",
  "publish.bump": "Which part of the version a new release bumps.",
  "publish.version": "An explicit version instead of a bump.",
  "publish.make-latest": "GitHub's `make_latest` for the release.",
  "publish.attest": "Sign SLSA provenance for the model files with @actions/attest.",
  "publish.prerelease": "Publish as a prerelease.",
  "publish.registry": "Folder of the local model registry used by the CLI.",
};
