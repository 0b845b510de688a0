import { UserError } from "@ctrain/core";

/**
 * The serving protocol, the same in every language: the command loads the model and prints `ready` on a line of
 * its own (anything it prints before is its log); then, for each line ctrain writes to its stdin (one JSON object,
 * a request), it writes one line to its stdout (one JSON object, the response), in order. When stdin closes it
 * exits. stderr is its log at any time.
 */
export const READY_LINE = "ready";

/** The command's environment names the model: the folder its files are relative to and the files themselves. */
export const MODEL_DIR_VARIABLE = "CTRAIN_MODEL_DIR";
export const MODEL_FILES_VARIABLE = "CTRAIN_MODEL_FILES";

/** A response line as a JSON object, or why it is not one. */
export function parseResponse(line: string): { value: Record<string, unknown> } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: `the response is not JSON: ${JSON.stringify(line.slice(0, 200))}` };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { problem: `the response is not a JSON object: ${JSON.stringify(line.slice(0, 200))}` };
  }
  return { value: value as Record<string, unknown> };
}

/** What runs the command: a string through bash (as train.command), a list as-is; with an image, inside docker. */
export function commandArgv(
  command: string | readonly string[],
  container?: { image: string; name: string; mount: string; cwd: string; env: readonly string[] },
): string[] {
  if (!container) {
    return typeof command === "string"
      ? ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command, "ctrain-model-test"]
      : [...command];
  }
  // Images often lack bash; `sh -c` runs a command string in any of them. The command's words stay one argument
  // each: nothing is spliced into a shell line.
  const inner = typeof command === "string" ? ["sh", "-c", command, "ctrain-model-test"] : [...command];
  return [
    "docker",
    "run",
    "--rm",
    "--interactive",
    "--network",
    "none",
    "--name",
    container.name,
    "--volume",
    `${container.mount}:${container.mount}:ro`,
    "--workdir",
    container.cwd,
    ...container.env.flatMap((name) => ["--env", name]),
    "--",
    container.image,
    ...inner,
  ];
}

/** The command as the report shows it. */
export function describeCommand(command: string | readonly string[]): string {
  return typeof command === "string" ? command : command.map((word) => JSON.stringify(word)).join(" ");
}

/** A mount of the workspace must be an absolute path docker can parse (`src:dst:ro` splits at colons). */
export function checkMountable(path: string): void {
  if (path.includes(":") || path.includes(",")) {
    throw new UserError(
      `the workspace path ${JSON.stringify(path)} holds ':' or ',', which docker's --volume cannot mount`,
      {
        location: "model-test.image",
        hint: "check the repository out to a path without ':' or ','",
      },
    );
  }
}
