/**
 * ACTIONS_RUNTIME_TOKEN: the JWT the runner gives node actions. The toolkit reads the workflow run and job ids
 * from its `scp` claim (`Actions.Results:<workflowRunBackendId>:<workflowJobRunBackendId>`); the cache service
 * reads the cache scopes it may read and write from its `ac` claim.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Cache scope permissions as the `ac` claim spells them. */
export const CACHE_READ = 1;
export const CACHE_WRITE = 2;

export interface CacheScope {
  /** A ref, e.g. `refs/heads/main` or `refs/pull/7/merge`. */
  Scope: string;
  Permission: number;
}

export interface RuntimeClaims {
  workflowRunBackendId: string;
  workflowJobRunBackendId: string;
  cacheScopes: CacheScope[];
}

export class RuntimeTokenIssuer {
  private readonly secret = randomBytes(32);

  issue(claims: RuntimeClaims, ttlSeconds = 6 * 3600): string {
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${claims.workflowRunBackendId}:${claims.workflowJobRunBackendId}`,
      ac: JSON.stringify(claims.cacheScopes),
      iss: "vstoken.actions.githubusercontent.com",
      aud: "vstoken.actions.githubusercontent.com",
      nbf: now - 60,
      iat: now,
      exp: now + ttlSeconds,
    };
    const unsigned = `${encode({ typ: "JWT", alg: "HS256" })}.${encode(payload)}`;
    return `${unsigned}.${this.sign(unsigned)}`;
  }

  /** The claims of a token this issuer signed and that has not expired; undefined otherwise. */
  verify(token: string): RuntimeClaims | undefined {
    const [header, payload, signature] = token.split(".");
    if (!header || !payload || !signature) return undefined;
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as {
      scp: string;
      ac: string;
      exp: number;
    };
    if (claims.exp <= Date.now() / 1000) return undefined;
    const results = claims.scp.split(" ").find((scope) => scope.startsWith("Actions.Results:"));
    const [, runId, jobId] = results?.split(":") ?? [];
    if (!runId || !jobId) return undefined;
    return {
      workflowRunBackendId: runId,
      workflowJobRunBackendId: jobId,
      cacheScopes: JSON.parse(claims.ac) as CacheScope[],
    };
  }

  private sign(unsigned: string): string {
    return createHmac("sha256", this.secret).update(unsigned).digest("base64url");
  }
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}
