/**
 * Faults a test injects into the fakes, per route (a REST operation id, a runtime service method, blob storage):
 * what a real day on GitHub brings. Every fault is bounded (a count of requests; a hung request is released when
 * the fake closes or after HANG_MAX_MS) and the fakes listen on 127.0.0.1 only, so nothing leaves the machine.
 */
import type { ServerResponse } from "node:http";

export type Fault =
  /** An answer with this status: GitHub's JSON error object, or the HTML page its edge serves during an outage. */
  | { kind: "status"; status: number; body?: "json" | "html"; message?: string }
  /** The connection is reset (TCP RST) before any answer. */
  | { kind: "reset" }
  /** The connection is accepted and never answered. */
  | { kind: "hang" }
  /** GitHub's primary rate limit: the token's hourly budget is used up until `resetInSeconds` from now. */
  | { kind: "rate-limit"; status?: 403 | 429; resetInSeconds?: number }
  /** A secondary rate limit asking the client to wait `retryAfter` seconds. */
  | { kind: "secondary-rate-limit"; status?: 403 | 429; retryAfter?: number };

export interface FaultRule {
  /** Which requests: an operation id (`actions/list-workflow-runs`), `<Service>/<Method>`, `blob storage`; all when absent. */
  route?: string | RegExp;
  fault: Fault;
  /** How many matching requests meet the fault (default 1, at most MAX_FAULTED_REQUESTS). */
  times?: number;
}

/** A test that needs more faulted requests than this is waiting on retries it should shorten instead. */
export const MAX_FAULTED_REQUESTS = 100;
/** The longest a hung request is held; a client without its own timeout then sees the connection close. */
export const HANG_MAX_MS = 30_000;

/** The page GitHub's edge serves with a 5xx, which is not the API's JSON. */
export const OUTAGE_HTML = `<!DOCTYPE html>
<html><head><title>Unicorn! &middot; GitHub</title><style>body{background:#f1f1f1}</style></head>
<body><p><strong>We couldn't respond to your request in time.</strong> Sorry about that. Please try refreshing and
contact us if the problem persists.</p><div id="s"><a href="https://githubstatus.com">GitHub Status</a></div></body></html>
`;

interface ActiveRule {
  route?: string | RegExp;
  fault: Fault;
  remaining: number;
}

export class FaultPlan {
  private readonly rules: ActiveRule[] = [];
  private readonly hung = new Set<ServerResponse>();
  /** Every fault served, in order, as `<route>: <kind>`. */
  readonly served: string[] = [];

  inject(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1 || times > MAX_FAULTED_REQUESTS)
      throw new Error(`a fault applies to 1-${MAX_FAULTED_REQUESTS} requests, not ${times}`);
    this.rules.push({ route: rule.route, fault: rule.fault, remaining: times });
  }

  /** The fault the next request on `route` meets, counted; undefined when none applies. */
  take(route: string): Fault | undefined {
    const rule = this.rules.find(
      (candidate) =>
        candidate.remaining > 0 &&
        (candidate.route === undefined ||
          (typeof candidate.route === "string" ? candidate.route === route : candidate.route.test(route))),
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    this.served.push(`${route}: ${rule.fault.kind}`);
    return rule.fault;
  }

  /** Serves the faults that are no answer at all; true when the response was taken over. */
  serveTransport(fault: Fault, response: ServerResponse): boolean {
    if (fault.kind === "reset") {
      response.socket?.resetAndDestroy();
      return true;
    }
    if (fault.kind === "hang") {
      this.hung.add(response);
      const release = setTimeout(() => this.release(response), HANG_MAX_MS);
      response.on("close", () => {
        clearTimeout(release);
        this.hung.delete(response);
      });
      return true;
    }
    if (fault.kind === "status" && fault.body === "html") {
      response.writeHead(fault.status, { "content-type": "text/html; charset=utf-8" });
      response.end(OUTAGE_HTML);
      return true;
    }
    return false;
  }

  /** Drops every hung request, as closing the fake must. */
  releaseAll(): void {
    for (const response of this.hung) this.release(response);
  }

  private release(response: ServerResponse): void {
    this.hung.delete(response);
    response.socket?.destroy();
  }
}
