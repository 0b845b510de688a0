/** Twirp over JSON, as the toolkit's results clients speak it: `POST /twirp/<service>/<method>`, errors as `{code, msg}`. */
import type { z } from "zod";
import type { RuntimeClaims } from "./runtime-token.js";

/** Twirp error codes and the HTTP statuses the protocol maps them to. */
const STATUS = {
  invalid_argument: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
} as const;

export type TwirpCode = keyof typeof STATUS;

export class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export interface TwirpMethod<Schema extends z.ZodType> {
  request: Schema;
  handle(request: z.infer<Schema>, claims: RuntimeClaims): unknown;
}

/** Declares a method with its request schema, so the handler receives the checked request. */
export function twirpMethod<Schema extends z.ZodType>(
  request: Schema,
  handle: (request: z.infer<Schema>, claims: RuntimeClaims) => unknown,
): TwirpMethod<Schema> {
  return { request, handle };
}

export type TwirpService = Record<string, TwirpMethod<z.ZodType>>;

/**
 * The request names the run its token was issued for, and its job unless `anyJob` (a download names the job that
 * uploaded the artifact), or the service refuses it.
 */
export function requireOwnRun(
  claims: RuntimeClaims,
  request: { workflow_run_backend_id: string; workflow_job_run_backend_id: string },
  anyJob = false,
): void {
  const ownJob = anyJob || request.workflow_job_run_backend_id === claims.workflowJobRunBackendId;
  if (request.workflow_run_backend_id !== claims.workflowRunBackendId || !ownJob) {
    throw new TwirpError("permission_denied", "the request names a workflow run or job the token was not issued for");
  }
}
