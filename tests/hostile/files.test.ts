import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  Bundle,
  RESERVED_KEYS,
  RunDocument,
  decodeUtf8,
  isUserError,
  parseConfig,
  parseDocument,
  parseJsonText,
} from "@ctrain/core";
import { flattenMetrics, parseMetricText } from "@ctrain/metrics";
import { parseParamOverrides, resolveParams } from "@ctrain/train";
import { processesWithArgument } from "../train/processes.js";
import { CLI_DEADLINE_MS, ctrain, library, project, type Observed } from "./files-support.js";

/**
 * Hostile config, params, metric, bundle and output files, each replayed through the built CLI in a fresh git
 * repository (or through the library where the CLI does not read that file by itself), with its expected outcome:
 * - refused: a non-zero exit (never 70, ctrain's bug code) with an `error:` naming the file or setting, no stack
 *   trace, no hang; where training ran, run.json is written, failed, with the reason in `errors`;
 * - accepted: inputs near a limit still work, so the limits are not too tight;
 * - stopped: a process tree that tries to outlive the run is gone when ctrain exits.
 */
type Outcome = "refused" | "accepted" | "stopped";

interface HostileCase {
  family: string;
  name: string;
  outcome: Outcome;
  /** What the message must name (the file or setting); checked with `match`. */
  names?: string;
  match?: RegExp;
  /** The training command ran before the failure: run.json must record it. */
  trainRan?: boolean;
  run(): Promise<Observed>;
  /** Checks after the run (processes left behind). */
  after?(): void;
}

const STACK_FRAME = /^\s+at .+(:\d+|\))$/m;
const CRASH = /Maximum call stack|RangeError|ReferenceError|TypeError|EISDIR|ctrain failed unexpectedly/;

let suiteRoot = "";
const dir = (): string => suiteRoot;
const cases: HostileCase[] = [];
const tally = new Map<string, { cases: number; passed: number }>();

function add(hostile: HostileCase): void {
  cases.push(hostile);
}

// ---------------------------------------------------------------------------------------------- generators

const jsonObjectNested = (depth: number): string => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
const flowListNested = (depth: number): string => "[".repeat(depth) + "]".repeat(depth);
const blockNested = (depth: number): string =>
  Array.from({ length: depth }, (_, level) => `${" ".repeat(level)}k${level}:`).join("\n") + " 1\n";
/** The billion laughs: `levels` anchors, each a list of nine aliases of the one before. */
const aliasBomb = (levels: number): string =>
  [
    'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...Array.from({ length: levels - 1 }, (_, index) => {
      const previous = `*l${index}`;
      return `l${index + 1}: &l${index + 1} [${Array(9).fill(previous).join(",")}]`;
    }),
  ].join("\n");
const manyAliases = (count: number): string => `a: &a 1\nb: [${Array(count).fill("*a").join(", ")}]\n`;
const jsonKeys = (count: number, value = "0.5"): string =>
  "{" + Array.from({ length: count }, (_, index) => `"m${index}": ${value}`).join(",") + "}";
const latin1 = (text: string): Buffer => Buffer.from(text, "latin1");
const utf16le = (text: string, bom = true): Buffer =>
  Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, "utf16le")]);
const utf16be = (text: string): Buffer => Buffer.from(utf16le(text, true).swap16());
const utf32le = (text: string): Buffer =>
  Buffer.concat([
    Buffer.from([0xff, 0xfe, 0, 0]),
    ...[...text].map((char) => {
      const bytes = Buffer.alloc(4);
      bytes.writeUInt32LE(char.codePointAt(0)!);
      return bytes;
    }),
  ]);

// ---------------------------------------------------------------------------------------------- scenarios

/**
 * Cases defined while this is set go through the library function the CLI calls for that file, not a CLI process:
 * used where one input already takes the CLI path and its variants differ only in a name (the suite must stay
 * within a minute on two cores, and each CLI process costs about 0.4 s of CPU).
 */
let throughLibrary = false;
const text = (content: string | Buffer, label: string): string =>
  typeof content === "string" ? content : decodeUtf8(content, label);

/** `ctrain config check` on a ctrain.yml with these bytes. */
function configCase(family: string, name: string, content: string | Buffer, outcome: Outcome, match?: RegExp): void {
  add({
    family,
    name: `ctrain.yml: ${name}`,
    outcome,
    names: outcome === "refused" ? "ctrain.yml" : undefined,
    match,
    run: throughLibrary
      ? () => library(() => parseConfig(text(content, "ctrain.yml"), { fileName: "ctrain.yml" }))
      : () => ctrain(project(dir(), { "ctrain.yml": content }), ["config", "check"]),
  });
}

/** `ctrain train` whose command copies `payload/<file>` to `out/<file>`, read as `train.<setting>`. */
function outputCase(
  family: string,
  setting: "metrics" | "curves",
  file: string,
  name: string,
  content: string | Buffer,
  outcome: Outcome,
  match?: RegExp,
): void {
  add({
    family,
    name: `${file}: ${name}`,
    outcome,
    names: outcome === "refused" ? `out/${file}` : undefined,
    match,
    trainRan: !throughLibrary,
    run: throughLibrary
      ? () => library(() => readOutputText(file, text(content, `out/${file}`)))
      : () =>
          ctrain(
            project(dir(), {
              [`payload/${file}`]: content,
              "ctrain.yml": `train:\n  command: mkdir -p out && cp payload/${file} out/${file}\n  ${setting}: [out/${file}]\n`,
            }),
            ["train"],
          ),
  });
}

/** What `ctrain train` does with a metrics or curves file's text, by its extension. */
function readOutputText(file: string, content: string): unknown {
  const label = `out/${file}`;
  if (file.endsWith(".csv")) {
    const [header, values] = content
      .trim()
      .split("\n")
      .map((line) => line.split(","));
    return flattenMetrics(Object.fromEntries(header!.map((column, index) => [column, values![index]])), "", label);
  }
  if (file.endsWith(".jsonl"))
    return flattenMetrics(parseJsonText(content.split("\n")[0]!, { label, line: 1 }), "", label);
  return parseMetricText(content, label);
}

/** `ctrain train` with `train.params: <file>`: refused before the command runs. */
function paramsCase(family: string, file: string, name: string, content: string | Buffer, match?: RegExp): void {
  add({
    family,
    name: `${file}: ${name}`,
    outcome: "refused",
    names: file,
    match,
    run: throughLibrary
      ? () => library(() => resolveParams(file, {}, project(dir(), { [file]: content })))
      : () =>
          ctrain(project(dir(), { [file]: content, "ctrain.yml": `train:\n  command: echo hi\n  params: ${file}\n` }), [
            "train",
          ]),
  });
}

/** `ctrain compare` reading a damaged or hostile .ctrain/run.json. */
function runDocumentCase(family: string, name: string, content: string | (() => string), match?: RegExp): void {
  add({
    family,
    name: `.ctrain/run.json: ${name}`,
    outcome: "refused",
    names: ".ctrain/run.json",
    match,
    run: throughLibrary
      ? () =>
          library(() =>
            parseDocument(typeof content === "string" ? content : content(), RunDocument, ".ctrain/run.json"),
          )
      : () =>
          ctrain(project(dir(), { ".ctrain/run.json": typeof content === "string" ? content : content() }), [
            "compare",
          ]),
  });
}

/** `ctrain train` with this config and files; training runs, then the outputs are the problem. */
function trainCase(
  family: string,
  name: string,
  files: Record<string, string | Buffer>,
  outcome: Outcome,
  options: { names?: string; match?: RegExp; trainRan?: boolean; args?: string[] } = {},
): void {
  add({
    family,
    name,
    outcome,
    names: options.names,
    match: options.match,
    trainRan: options.trainRan ?? outcome === "refused",
    run: () => ctrain(project(dir(), files), ["train", ...(options.args ?? [])]),
  });
}

const runDocument = (extra: Record<string, unknown>): string =>
  JSON.stringify({
    schema: "ctrain.run/v1",
    name: "hostile",
    createdAt: "2026-01-01T00:00:00Z",
    source: {},
    status: "succeeded",
    ...extra,
  });
const trainYml = (lines: string[]): string => `train:\n${lines.map((line) => `  ${line}`).join("\n")}\n`;

// ---------------------------------------------------------------------------------------------- the corpus

// Reserved keys: refused everywhere, at the file (and line) that holds them; never dropped, never polluting.
for (const key of RESERVED_KEYS) {
  const reserved = /reserved name/;
  // __proto__ takes every CLI path; constructor and prototype take the same parsers, called directly.
  throughLibrary = key !== "__proto__";
  configCase(
    "reserved keys",
    `a gate on ${key}`,
    `compare:\n  metrics:\n    ${key}: {min: 0.9}\n`,
    "refused",
    reserved,
  );
  configCase("reserved keys", `top-level ${key}`, `${key}:\n  polluted: 1\n`, "refused", reserved);
  configCase(
    "reserved keys",
    `a dataset named ${key}`,
    `data:\n  datasets:\n    ${key}: {path: d.csv}\n`,
    "refused",
    reserved,
  );
  configCase("reserved keys", `train.env ${key} in flow style`, `train: {env: {${key}: x}}\n`, "refused", reserved);
  outputCase("reserved keys", "metrics", "m.json", `metric ${key}`, `{"acc": 0.9, "${key}": 0.1}`, "refused", reserved);
  outputCase("reserved keys", "metrics", "m.json", `nested ${key}`, `{"a": {"${key}": {"b": 1}}}`, "refused", reserved);
  outputCase("reserved keys", "metrics", "m.yaml", `metric ${key}`, `acc: 0.9\n${key}: 0.1\n`, "refused", reserved);
  outputCase("reserved keys", "metrics", "m.csv", `column ${key}`, `acc,${key}\n0.9,0.1\n`, "refused", reserved);
  outputCase("reserved keys", "curves", "c.jsonl", `curve ${key}`, `{"step": 1, "${key}": 0.5}\n`, "refused", reserved);
  paramsCase("reserved keys", "params.yaml", `param ${key}`, `lr: 0.1\n${key}:\n  polluted: 1\n`, reserved);
  paramsCase("reserved keys", "params.json", `param ${key}`, `{"model": {"${key}": {"polluted": 1}}}`, reserved);
  if (throughLibrary) {
    add({
      family: "reserved keys",
      name: `--param ${key}.polluted=1`,
      outcome: "refused",
      names: "--param",
      match: /cannot be a param name/,
      run: () => library(() => parseParamOverrides(`${key}.polluted=1`, "--param")),
    });
  } else {
    trainCase(
      "reserved keys",
      `--param ${key}.polluted=1`,
      { "ctrain.yml": trainYml(["command: echo hi"]) },
      "refused",
      {
        names: "--param",
        match: /cannot be a param name/,
        trainRan: false,
        args: ["--param", `${key}.polluted=1`],
      },
    );
  }
  runDocumentCase(
    "reserved keys",
    `metric ${key}`,
    runDocument({ metrics: { acc: 1 } }).replace('"acc"', `"${key}"`),
    reserved,
  );
  runDocumentCase(
    "reserved keys",
    `param ${key}`,
    runDocument({ params: { lr: 1 } }).replace('"lr"', `"${key}"`),
    reserved,
  );
  add({
    family: "reserved keys",
    name: `untrusted baseline run.json: metric ${key}`,
    outcome: "refused",
    names: "run.json",
    match: reserved,
    run: () => {
      const root = project(dir(), { "run.json": runDocument({ metrics: { acc: 1 } }).replace('"acc"', `"${key}"`) });
      return library(() => new Bundle(root, { untrusted: true }).read("run"));
    },
  });
}
throughLibrary = false;
for (const [file, content] of [
  ["m.json", '{"acc": 0.9, "acc": 0.1}'],
  ["m.yaml", "acc: 0.9\nacc: 0.1\n"],
] as const) {
  outputCase("duplicate keys", "metrics", file, "a metric written twice", content, "refused", /duplicate key "acc"/);
}
configCase(
  "duplicate keys",
  "a gate written twice",
  "compare:\n  metrics:\n    acc: {min: 1}\n    acc: {min: 0}\n",
  "refused",
  /duplicate key/,
);
paramsCase("duplicate keys", "params.yaml", "a param written twice", "lr: 0.1\nlr: 0.2\n", /duplicate key "lr"/);
runDocumentCase(
  "duplicate keys",
  "a metric written twice",
  runDocument({ metrics: { acc: 1 } }).replace('"acc":1', '"acc":1,"acc":0'),
  /duplicate key/,
);

// Alias bombs and alias floods in every YAML file.
for (const [variant, text] of [
  ["billion laughs (9^6)", aliasBomb(6)],
  ["101 aliases of one anchor", manyAliases(101)],
  ["nine levels of nine", aliasBomb(9)],
] as const) {
  configCase("YAML aliases", variant, `x-anchors:\n${text.replace(/^/gm, "  ")}\n`, "refused", /alias/);
  outputCase("YAML aliases", "metrics", "m.yaml", variant, text, "refused", /alias/);
  paramsCase("YAML aliases", "params.yaml", variant, text, /alias/);
}
configCase(
  "YAML aliases",
  "one gate shared by three metrics (accepted)",
  "compare:\n  metrics:\n    a: &gate {min: 0.5}\n    b: *gate\n    c: *gate\n",
  "accepted",
);
outputCase("YAML aliases", "metrics", "m.yaml", "a few aliases", "a: &v 0.5\nb: *v\nc: *v\n", "accepted");

// Deep nesting: a clear limit, never "Maximum call stack size exceeded" (nor a fatal out-of-memory).
for (const depth of [65, 10_000]) {
  outputCase(
    "deep nesting",
    "metrics",
    "m.yaml",
    `flow lists ${depth} deep`,
    `x: ${flowListNested(depth)}\n`,
    "refused",
    /nested more than 64/,
  );
  paramsCase("deep nesting", "params.json", `objects ${depth} deep`, jsonObjectNested(depth), /nested more than 64/);
  runDocumentCase(
    "deep nesting",
    `metrics ${depth} deep`,
    runDocument({ metrics: "@" }).replace('"@"', jsonObjectNested(depth)),
    /nested more than 64/,
  );
}
for (const depth of [65, 10_000, 100_000]) {
  configCase(
    "deep nesting",
    `flow lists ${depth} deep`,
    `x: ${flowListNested(depth)}\n`,
    "refused",
    /nested more than 64/,
  );
  outputCase(
    "deep nesting",
    "metrics",
    "m.json",
    `objects ${depth} deep`,
    jsonObjectNested(depth),
    "refused",
    /nested more than 64/,
  );
}
for (const depth of [100, 1000]) {
  configCase("deep nesting", `block mappings ${depth} deep`, blockNested(depth), "refused", /nested more than 64/);
  paramsCase("deep nesting", "params.yaml", `block mappings ${depth} deep`, blockNested(depth), /nested more than 64/);
}
outputCase(
  "deep nesting",
  "curves",
  "c.jsonl",
  "a line nested 10,000 deep",
  `{"step": 1, "loss": 0.5}\n${jsonObjectNested(10_000)}\n`,
  "refused",
  /c\.jsonl:2:\d+: nested/,
);
outputCase("deep nesting", "metrics", "m.json", "20 levels (accepted)", jsonObjectNested(20), "accepted");

// Counts: work linear in the input, refused above the run's limits with the count named.
outputCase(
  "key counts",
  "metrics",
  "m.json",
  "1M keys in 19 MB",
  jsonKeys(1_000_000),
  "refused",
  /more than 200000 keys/,
);
outputCase(
  "key counts",
  "metrics",
  "m.json",
  "20,000 metrics",
  jsonKeys(20_000),
  "refused",
  /20000 metrics, more than the 10000/,
);
outputCase(
  "key counts",
  "metrics",
  "m.yaml",
  "20,000 metrics",
  Array.from({ length: 20_000 }, (_, i) => `m${i}: 1`).join("\n"),
  "refused",
  /more than the 10000/,
);
outputCase(
  "key counts",
  "metrics",
  "m.json",
  "10,000 metrics with NaN (accepted)",
  jsonKeys(10_000, "NaN"),
  "accepted",
);
paramsCase("key counts", "params.json", "20,000 params", jsonKeys(20_000), /20000 params, more than the 10000/);
runDocumentCase(
  "key counts",
  "1M metrics in 19 MB",
  () => runDocument({ metrics: "@" }).replace('"@"', jsonKeys(1_000_000)),
  /more than 10000 metrics/,
);
runDocumentCase(
  "key counts",
  "10,001 params",
  () => runDocument({ params: "@" }).replace('"@"', jsonKeys(10_001)),
  /more than 10000 params/,
);
trainCase(
  "key counts",
  "1,001 model files",
  {
    "ctrain.yml": trainYml([
      "command: mkdir -p models && for i in $(seq 1 1001); do echo $i > models/m$i.bin; done",
      "model-files: [models]",
    ]),
  },
  "refused",
  { names: "train.model-files", match: /1001 files, more than the 1000/ },
);
trainCase(
  "key counts",
  "two metric files with 6,000 metrics each",
  {
    "payload/a.json": jsonKeys(6000).replace(/"m/g, '"a'),
    "payload/b.json": jsonKeys(6000).replace(/"m/g, '"b'),
    "ctrain.yml": trainYml(["command: mkdir -p out && cp payload/*.json out/", "metrics: [out/a.json, out/b.json]"]),
  },
  "refused",
  { names: "out/b.json", match: /more than 10000 metrics/ },
);

// Sizes and file kinds: regular files under a size limit; a directory, FIFO or device is refused, never read.
add({
  family: "file kinds and sizes",
  name: "--config naming a directory",
  outcome: "refused",
  names: "conf",
  match: /is a directory, not a regular file/,
  run: () => ctrain(project(dir(), { "conf/.keep": "" }), ["config", "check", "--config", "conf"]),
});
for (const device of ["/dev/zero", "/dev/urandom"]) {
  add({
    family: "file kinds and sizes",
    name: `--config ${device}`,
    outcome: "refused",
    names: device,
    match: /is a device/,
    run: () => ctrain(project(dir(), {}), ["config", "check", "--config", device]),
  });
}
add({
  family: "file kinds and sizes",
  name: "--config naming a FIFO",
  outcome: "refused",
  names: "fifo.yml",
  match: /FIFO/,
  run: () => {
    const root = project(dir(), {});
    execFileSync("mkfifo", [join(root, "fifo.yml")]);
    return ctrain(root, ["config", "check", "--config", "fifo.yml"]);
  },
});
add({
  family: "file kinds and sizes",
  name: "--config naming a missing file",
  outcome: "refused",
  names: "absent.yml",
  match: /not found/,
  run: () => ctrain(project(dir(), {}), ["config", "check", "--config", "absent.yml"]),
});
configCase(
  "file kinds and sizes",
  "8 MiB of comments",
  `# ${"x".repeat(1000)}\n`.repeat(8_400),
  "refused",
  /more than the 1 ?MiB/,
);
configCase(
  "file kinds and sizes",
  "2 MiB of settings",
  `train:\n  command: echo ${"x".repeat(2 * 1024 ** 2)}\n`,
  "refused",
  /more than the 1 ?MiB/,
);
trainCase(
  "file kinds and sizes",
  "a metrics path that is a directory",
  { "ctrain.yml": trainYml(["command: mkdir -p out/m.json", "metrics: [out/m.json/]"]) },
  "refused",
  { names: "train.metrics", match: /nothing found|directory|not a regular file/ },
);
trainCase(
  "file kinds and sizes",
  "a metrics file that is a FIFO",
  { "ctrain.yml": trainYml(["command: mkdir -p out && mkfifo out/m.json", "metrics: [out/m.json]"]) },
  "refused",
  { names: "out/m.json", match: /FIFO/ },
);
trainCase(
  "file kinds and sizes",
  "a model file that is a FIFO",
  { "ctrain.yml": trainYml(["command: mkdir -p models && mkfifo models/m.bin", "model-files: [models/m.bin]"]) },
  "refused",
  { names: "models/m.bin", match: /FIFO/ },
);
outputCase(
  "file kinds and sizes",
  "metrics",
  "m.json",
  "33 MiB",
  `{"a": "${"x".repeat(33 * 1024 ** 2)}"}`,
  "refused",
  /more than the 32 ?MiB/,
);
outputCase(
  "file kinds and sizes",
  "metrics",
  "m.yaml",
  "5 MiB of YAML",
  `a: "${"x".repeat(5 * 1024 ** 2)}"\n`,
  "refused",
  /more than the 4 ?MiB/,
);
paramsCase(
  "file kinds and sizes",
  "params.yaml",
  "5 MiB",
  `a: "${"x".repeat(5 * 1024 ** 2)}"\n`,
  /more than the 4 ?MiB/,
);
add({
  family: "file kinds and sizes",
  name: "params file that is a directory",
  outcome: "refused",
  names: "params.yaml",
  match: /is a directory/,
  run: () =>
    ctrain(
      project(dir(), { "params.yaml/.keep": "", "ctrain.yml": trainYml(["command: echo hi", "params: params.yaml"]) }),
      ["train"],
    ),
});
add({
  family: "file kinds and sizes",
  name: "params file /dev/zero",
  outcome: "refused",
  names: "/dev/zero",
  match: /is a device/,
  run: () => ctrain(project(dir(), { "ctrain.yml": trainYml(["command: echo hi", "params: /dev/zero"]) }), ["train"]),
});
runDocumentCase(
  "file kinds and sizes",
  "33 MiB",
  () => runDocument({ command: "x".repeat(33 * 1024 ** 2) }),
  /more than the 32 ?MiB/,
);
runDocumentCase("file kinds and sizes", "cut short", runDocument({}).slice(0, 40), /JSON syntax error/);

// Encodings: UTF-8 or a clear error at file:line:col; UTF-16/32 named as such.
const settings = "train:\n  command: echo café\n";
configCase(
  "encodings",
  "a Latin-1 byte in a value",
  latin1(settings),
  "refused",
  /ctrain\.yml:2:20: byte 0xE9 is not UTF-8/,
);
configCase(
  "encodings",
  "a Latin-1 byte in a gate's name",
  latin1("compare:\n  metrics:\n    précision: {min: 1}\n"),
  "refused",
  /:3:7: byte 0xE9/,
);
configCase("encodings", "UTF-16LE with a byte order mark", utf16le(settings), "refused", /UTF-16LE/);
configCase("encodings", "UTF-16LE without a byte order mark", utf16le(settings, false), "refused", /UTF-16LE/);
configCase("encodings", "UTF-16BE", utf16be(settings), "refused", /UTF-16BE/);
configCase("encodings", "UTF-32LE", utf32le(settings), "refused", /UTF-32LE/);
configCase(
  "encodings",
  "an overlong slash (C0 AF)",
  Buffer.concat([Buffer.from("x: a"), Buffer.from([0xc0, 0xaf]), Buffer.from("\n")]),
  "refused",
  /:1:5: byte 0xC0/,
);
configCase(
  "encodings",
  "an encoded surrogate (ED A0 80)",
  Buffer.concat([Buffer.from("x: a"), Buffer.from([0xed, 0xa0, 0x80])]),
  "refused",
  /byte 0xED/,
);
configCase(
  "encodings",
  "a sequence cut at the end",
  Buffer.concat([Buffer.from("x: é"), Buffer.from([0xe2, 0x82])]),
  "refused",
  /:1:5: byte 0xE2/,
);
configCase(
  "encodings",
  "UTF-8 with a byte order mark and accents (accepted)",
  Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(settings)]),
  "accepted",
);
outputCase(
  "encodings",
  "metrics",
  "m.json",
  "a Latin-1 byte in a key",
  latin1('{"précision": 0.9}'),
  "refused",
  /m\.json:1:5: byte 0xE9/,
);
outputCase(
  "encodings",
  "metrics",
  "m.yaml",
  "a Latin-1 byte in a key",
  latin1("précision: 0.9\n"),
  "refused",
  /m\.yaml:1:3: byte 0xE9/,
);
outputCase("encodings", "metrics", "m.json", "UTF-16LE", utf16le('{"acc": 0.9}'), "refused", /UTF-16LE/);
outputCase("encodings", "metrics", "m.json", "UTF-8 with accents (accepted)", '{"précision": 0.9}', "accepted");
paramsCase(
  "encodings",
  "params.yaml",
  "a Latin-1 byte",
  latin1("optimiseur: adam\nrégularisation: 0.1\n"),
  /params\.yaml:2:2: byte 0xE9/,
);
paramsCase("encodings", "params.json", "UTF-16BE", utf16be('{"lr": 0.1}'), /UTF-16BE/);

// Links: outputs must resolve inside the workspace; never hashed, copied or read through a link that leaves it.
const outside = (): string => {
  const file = join(dir(), "outside.csv");
  if (!existsSync(file)) writeFileSync(file, "y_true,y_pred\n1,1\n");
  return file;
};
trainCase(
  "links",
  "a model file linked to /etc/passwd",
  {
    "ctrain.yml": trainYml(["command: mkdir -p models && ln -s /etc/passwd models/model.bin", "model-files: [models]"]),
  },
  "refused",
  { names: "models/model.bin", match: /resolves to \/etc\/passwd, outside the workspace/ },
);
trainCase(
  "links",
  "a linked folder under model-files",
  {
    "ctrain.yml": trainYml([
      "command: mkdir -p models && ln -s /etc models/etc && echo 1 > models/a.bin",
      "model-files: [models]",
    ]),
  },
  "refused",
  { names: "models/etc", match: /link to a folder/ },
);
trainCase(
  "links",
  "a model folder that links to itself",
  {
    "ctrain.yml": trainYml([
      "command: mkdir -p models && ln -s . models/loop && echo 1 > models/a.bin",
      "model-files: [models]",
    ]),
  },
  "refused",
  { names: "models/loop", match: /link to a folder/ },
);
trainCase(
  "links",
  "a dangling model link",
  { "ctrain.yml": trainYml(["command: mkdir -p models && ln -s gone.bin models/a.bin", "model-files: [models]"]) },
  "refused",
  { names: "models/a.bin", match: /dangling or looping link/ },
);
trainCase(
  "links",
  "a model file linked inside the workspace (accepted)",
  {
    "ctrain.yml": trainYml([
      "command: mkdir -p models store && echo 1 > store/w.bin && ln -s ../store/w.bin models/a.bin",
      "model-files: [models]",
    ]),
  },
  "accepted",
);
add({
  family: "links",
  name: "a predictions file linked outside the workspace",
  outcome: "refused",
  names: "out/p.csv",
  match: /outside the workspace/,
  trainRan: true,
  run: () =>
    ctrain(
      project(dir(), {
        "ctrain.yml": trainYml([`command: mkdir -p out && ln -s ${outside()} out/p.csv`, "predictions: out/p.csv"]),
      }),
      ["train"],
    ),
});
add({
  family: "links",
  name: "a metrics file linked outside the workspace",
  outcome: "refused",
  names: "out/m.json",
  match: /outside the workspace/,
  trainRan: true,
  run: () => {
    const file = join(dir(), "outside.json");
    writeFileSync(file, '{"acc": 1}');
    return ctrain(
      project(dir(), {
        "ctrain.yml": trainYml([`command: mkdir -p out && ln -s ${file} out/m.json`, "metrics: [out/m.json]"]),
      }),
      ["train"],
    );
  },
});
add({
  family: "links",
  name: "a curves file linked to /dev/zero",
  outcome: "refused",
  names: "out/c.csv",
  match: /is a device, not a regular file/,
  trainRan: true,
  run: () =>
    ctrain(
      project(dir(), {
        "ctrain.yml": trainYml(["command: mkdir -p out && ln -s /dev/zero out/c.csv", "curves: [out/c.csv]"]),
      }),
      ["train"],
    ),
});

add({
  family: "links",
  name: "ctrain.yml a dangling link (not a missing config)",
  outcome: "refused",
  names: "ctrain.yml",
  match: /cannot read the config file/,
  run: () => {
    const root = project(dir(), {});
    symlinkSync(join(root, "gone.yml"), join(root, "ctrain.yml"));
    return ctrain(root, ["config", "check"]);
  },
});

// The run record survives whatever fails after the command ran.
for (const [name, content, match] of [
  ["a JSON syntax error", '{"acc": 0.9,\n "loss": }', /out\/m\.json:2:10: JSON syntax error/],
  ["a top-level list", "[1, 2]", /expected a mapping of metric names to values, found a list/],
  ["a bare number", "0.93", /expected a mapping/],
] as const) {
  outputCase("run record", "metrics", "m.json", name, content, "refused", match);
}
trainCase(
  "run record",
  "a metrics file the command did not write",
  { "ctrain.yml": trainYml(["command: echo hi", "metrics: [out/m.json]"]) },
  "refused",
  { names: "train.metrics", match: /nothing found at out\/m\.json/ },
);
trainCase(
  "run record",
  "an unreadable model file",
  {
    "ctrain.yml": trainYml([
      "command: mkdir -p models && echo 1 > models/a.bin && chmod 000 models/a.bin",
      "model-files: [models]",
    ]),
  },
  // root reads any file: then the run succeeds, which is right too.
  process.getuid?.() === 0 ? "accepted" : "refused",
  { names: "train.model-files", match: /EACCES/ },
);
trainCase(
  "run record",
  "a working directory that does not exist",
  { "ctrain.yml": trainYml(["command: echo hi", "working-directory: nope"]) },
  "refused",
  { names: "train.working-directory", match: /nope does not exist/, trainRan: false },
);
trainCase(
  "run record",
  "a working directory that is a file",
  { "ctrain.yml": trainYml(["command: echo hi", "working-directory: file.txt"]), "file.txt": "x" },
  "refused",
  { names: "train.working-directory", match: /is not a folder/, trainRan: false },
);

// Process trees: a grandchild that clears its environment, starts its own session and ignores TERM is stopped.
for (const [name, command, status] of [
  ["in the foreground", "env -i setsid sh -c 'trap \"\" TERM; sleep @'", "timed-out"],
  ["orphaned at once", "(env -i setsid sh -c 'trap \"\" TERM; sleep @' &); sleep 1000", "timed-out"],
  ["in the background", "env -i setsid sh -c 'trap \"\" TERM; sleep @' & sleep 1000", "timed-out"],
  ["left behind when the command exits", "(env -i setsid sh -c 'trap \"\" TERM; sleep @' &)", "succeeded"],
] as const) {
  const duration = `1000.${Math.floor(Math.random() * 1e6)}`;
  add({
    family: "process trees",
    name: `a TERM-ignoring setsid grandchild ${name}`,
    outcome: "stopped",
    match: status === "timed-out" ? /timeout of 1s reached/ : /background process/,
    run: () =>
      ctrain(
        project(dir(), {
          "ctrain.yml": trainYml([
            `command: ${JSON.stringify(command.replace("@", duration))}`,
            "timeout: 1s",
            "kill-grace: 0.3",
          ]),
        }),
        ["train"],
      ),
    after: () => expect(processesWithArgument(duration)).toEqual([]),
  });
}

// ---------------------------------------------------------------------------------------------- checks

function check(hostile: HostileCase, observed: Observed): void {
  expect(observed.timedOut, "ctrain hung").not.toBe(true);
  const text =
    observed.output ?? (isUserError(observed.error) ? observed.error.format() : String(observed.error ?? ""));
  if (observed.code !== undefined) {
    expect(observed.code, text).not.toBe(70);
    expect(text).not.toMatch(STACK_FRAME);
    if (hostile.outcome === "refused") expect(text).not.toMatch(CRASH);
  } else if (observed.error !== undefined) {
    expect(isUserError(observed.error), text).toBe(true);
    expect(text).not.toMatch(/Maximum call stack/);
  }
  if (hostile.outcome === "refused") {
    if (observed.code !== undefined) {
      expect(observed.code, text).not.toBe(0);
      expect(text).toMatch(/error: /);
    } else expect(observed.error, "accepted silently").toBeDefined();
    if (hostile.names) expect(text).toContain(hostile.names);
  } else if (hostile.outcome === "accepted") {
    if (observed.code !== undefined) expect(observed.code, text).toBe(0);
    else expect(observed.error).toBeUndefined();
  } else {
    expect(observed.code, text).not.toBeNull();
  }
  if (hostile.match && hostile.outcome !== "accepted") expect(text).toMatch(hostile.match);
  if (hostile.trainRan && hostile.outcome === "refused") {
    expect(observed.run, "run.json was not written").toBeDefined();
    expect(observed.run!.status).toBe("failed");
    expect(observed.run!.errors?.length ?? 0, "run.json does not say why the run failed").toBeGreaterThan(0);
  }
}

beforeAll(() => {
  if (!existsSync(join(process.cwd(), "dist/cli/index.js"))) throw new Error("build the CLI first: npm run build");
  suiteRoot = mkdtempSync(join(tmpdir(), "ctrain-hostile-files-"));
});

afterAll(() => {
  rmSync(suiteRoot, { recursive: true, force: true });
  const lines = [...tally].map(([family, { cases: count, passed }]) => `  ${family}: ${passed}/${count} passed`);
  const total = [...tally.values()].reduce((sum, { cases: count }) => sum + count, 0);
  console.log(`hostile files: ${total} inputs\n${lines.join("\n")}`);
});

describe.concurrent("hostile config, params, metric, bundle and output files", () => {
  it.each(cases.map((hostile) => [`${hostile.family}: ${hostile.name}`, hostile] as const))(
    "%s",
    async (_title, hostile) => {
      const counts = tally.get(hostile.family) ?? { cases: 0, passed: 0 };
      tally.set(hostile.family, { cases: counts.cases + 1, passed: counts.passed });
      const observed = await hostile.run();
      check(hostile, observed);
      hostile.after?.();
      tally.get(hostile.family)!.passed++;
    },
    2 * CLI_DEADLINE_MS,
  );

  it("parses reserved keys nowhere into a prototype (library)", () => {
    expect(() => parseMetricText('{"__proto__": {"polluted": 1}}', "m.json")).toThrow(/reserved name/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
