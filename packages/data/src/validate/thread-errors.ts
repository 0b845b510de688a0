import { UserError } from "@ctrain/core";

/** An error as it crosses between threads: plain data that says whether it was a UserError. */
export interface ThreadError {
  message: string;
  location?: string;
  hint?: string;
  user: boolean;
  stack?: string;
}

export function toThreadError(error: unknown): ThreadError {
  if (error instanceof UserError) {
    return { message: error.message, user: true, stack: error.stack, location: error.location, hint: error.hint };
  }
  const { message, stack } = error instanceof Error ? error : new Error(String(error));
  return { message, user: false, stack };
}

/** The error rebuilt on this side: a UserError stays one, with its location and hint. */
export function fromThreadError(error: ThreadError): Error {
  const { message, location, hint, user, stack } = error;
  if (user) return new UserError(message, { location, hint });
  return Object.assign(new Error(message), { stack });
}

/** Whether a worker thread stopped because it outgrew its heap bound. */
export function isOutOfMemory(error: unknown): boolean {
  return (error as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
}
