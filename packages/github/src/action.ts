import * as core from "@actions/core";
import { describeError, isUserError } from "@ctrain/core";

/**
 * Runs an action's body: a user's error becomes one clear failure line with no stack trace; anything else is a
 * ctrain bug and keeps its stack so it can be reported.
 */
export async function runAction(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (isUserError(error)) {
      core.setFailed(error.format());
    } else {
      core.setFailed(`ctrain failed unexpectedly; please report this with the log.\n${describeError(error)}`);
    }
  }
}

/** Reads the token input and masks it in the log before anything else can print it. */
export function readToken(name = "github-token"): string {
  const token = core.getInput(name) || process.env.GITHUB_TOKEN || "";
  if (token) core.setSecret(token);
  return token;
}
