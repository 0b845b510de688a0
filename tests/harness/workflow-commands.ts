/**
 * What the runner reads back from a step: workflow commands on stdout (`::error file=a.csv,line=3::message`) and the
 * key-value files (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE), parsed the way actions/runner parses them.
 */

export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export type AnnotationLevel = "error" | "warning" | "notice";

export interface Annotation {
  level: AnnotationLevel;
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
}

export interface ParsedStdout {
  commands: WorkflowCommand[];
  annotations: Annotation[];
  /** Values registered with `::add-mask::`. */
  masks: string[];
  /** Outputs set with the deprecated `::set-output name=x::` command, which the runner still honours. */
  legacyOutputs: Record<string, string>;
  /** The output lines that are not commands, with masked values replaced by `***`, as the job log shows them. */
  log: string;
}

const ANNOTATION_LEVELS = new Set<string>(["error", "warning", "notice"]);
const NUMERIC_PROPERTIES = { line: "line", endLine: "endLine", col: "col", endColumn: "endColumn" } as const;

/** The runner unescapes `%0D`, `%0A` (and in properties `%3A`, `%2C`) first and `%25` last, so `%253A` stays `%3A`. */
function unescape(value: string, property: boolean): string {
  let result = value.replace(/%0D/gi, "\r").replace(/%0A/gi, "\n");
  if (property) result = result.replace(/%3A/gi, ":").replace(/%2C/gi, ",");
  return result.replace(/%25/g, "%");
}

/** Parses one line as a command, or returns undefined when it is not one. */
export function parseCommandLine(line: string): WorkflowCommand | undefined {
  const trimmed = line.trimStart();
  if (!trimmed.startsWith("::")) return undefined;
  const end = trimmed.indexOf("::", 2);
  if (end < 0) return undefined;
  const head = trimmed.slice(2, end);
  const space = head.indexOf(" ");
  const command = space < 0 ? head : head.slice(0, space);
  if (!command) return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of head.slice(space + 1).split(",")) {
      const equals = pair.indexOf("=");
      if (equals > 0) properties[pair.slice(0, equals).trim()] = unescape(pair.slice(equals + 1), true);
    }
  }
  return { command, properties, message: unescape(trimmed.slice(end + 2), false) };
}

export function parseStdout(stdout: string): ParsedStdout {
  const parsed: ParsedStdout = { commands: [], annotations: [], masks: [], legacyOutputs: {}, log: "" };
  const logLines: string[] = [];
  let stopToken: string | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (stopToken !== undefined) {
      // While commands are stopped, only `::<token>::` resumes them; everything else is plain output.
      if (line.trim() === `::${stopToken}::`) stopToken = undefined;
      else logLines.push(line);
      continue;
    }
    const command = parseCommandLine(line);
    if (!command) {
      logLines.push(line);
      continue;
    }
    parsed.commands.push(command);
    if (command.command === "stop-commands") stopToken = command.message;
    else if (command.command === "add-mask" && command.message) parsed.masks.push(command.message);
    else if (command.command === "set-output" && command.properties.name)
      parsed.legacyOutputs[command.properties.name] = command.message;
    else if (ANNOTATION_LEVELS.has(command.command)) parsed.annotations.push(toAnnotation(command));
  }
  parsed.log = mask(logLines.join("\n"), parsed.masks);
  return parsed;
}

function toAnnotation(command: WorkflowCommand): Annotation {
  const annotation: Annotation = { level: command.command as AnnotationLevel, message: command.message };
  const { file, title } = command.properties;
  if (file !== undefined) annotation.file = file;
  if (title !== undefined) annotation.title = title;
  for (const [key, name] of Object.entries(NUMERIC_PROPERTIES)) {
    const value = command.properties[key];
    if (value !== undefined && /^\d+$/.test(value)) annotation[name] = Number(value);
  }
  return annotation;
}

function mask(text: string, secrets: string[]): string {
  let masked = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) masked = masked.split(secret).join("***");
  return masked;
}

/**
 * Parses a GITHUB_OUTPUT, GITHUB_ENV or GITHUB_STATE file: `name=value` lines and `name<<DELIMITER` blocks that run
 * to a line holding only the delimiter. Throws where the runner would fail the step.
 */
export function parseKeyValueFile(text: string, fileName: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line === "") continue;
    const heredoc = line.indexOf("<<");
    const equals = line.indexOf("=");
    if (heredoc > 0 && (equals < 0 || heredoc < equals)) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (!delimiter) throw new Error(`${fileName}: line ${index + 1} "${line}" has an empty delimiter`);
      const end = lines.indexOf(delimiter, index + 1);
      if (end < 0) throw new Error(`${fileName}: matching delimiter not found '${delimiter}' for "${name}"`);
      values[name] = lines.slice(index + 1, end).join("\n");
      index = end;
    } else if (equals > 0) {
      values[line.slice(0, equals)] = line.slice(equals + 1);
    } else {
      throw new Error(`${fileName}: line ${index + 1} "${line}" is neither name=value nor name<<DELIMITER`);
    }
  }
  return values;
}
