/**
 * An error the user can act on: where it happened, what was found, what was expected, how to fix it.
 * Entry points print its message without a stack trace and exit non-zero; any other error is a ctrain bug.
 */
export class UserError extends Error {
  override readonly name = "UserError";
  readonly location?: string;
  readonly hint?: string;

  constructor(message: string, options: { location?: string; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.location = options.location;
    this.hint = options.hint;
  }

  /** One line (plus an optional hint line) for the log: `file:line:col: message` then `hint: ...`. */
  format(): string {
    const head = this.location ? `${this.location}: ${this.message}` : this.message;
    return this.hint ? `${head}\n  hint: ${this.hint}` : head;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** Renders any thrown value for a log line; user errors stay short, bugs keep their stack. */
export function describeError(error: unknown): string {
  if (isUserError(error)) return error.format();
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}
