import { UserError } from "@ctrain/core";
import type { GitHubClient, GitHubClientOptions } from "./client-timing.js";

/**
 * GitHub's REST client for the actions: the toolkit's `getOctokit` (GITHUB_API_URL, proxies, the runner's user
 * agent) with retries of server errors and waits for rate limits, both bounded. Whatever still fails because of
 * GitHub or the token (5xx, network errors, timeouts, 401, rate limits) reaches the caller as a `GitHubFault`, a
 * user error that says what to do. Octokit's own request log goes to the debug log.
 *
 * A missing token fails here; the octokit stack is loaded on the first request (`rest.*`, `request`, `paginate`),
 * so a step that stops before calling GitHub does not pay for it.
 */
export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  // Without this, octokit throws a bare error that reads as a crash of ctrain.
  if (!options.token)
    throw new UserError("no GitHub token: the `github-token` input is empty and GITHUB_TOKEN is not set", {
      hint: "leave `github-token` at its default (the job's GITHUB_TOKEN) or pass `github-token: ${{ secrets.<NAME> }}`",
    });
  let built: Promise<GitHubClient> | undefined;
  return deferredClient(() => (built ??= import("./octokit.js").then(({ buildOctokit }) => buildOctokit(options))));
}

type Endpoint = (parameters?: object) => Promise<unknown>;
/** The octokit surface ctrain calls; each call waits for the real client, then makes it. */
interface DeferredSurface {
  rest: Record<string, Record<string, Endpoint>>;
  request(route: string, parameters?: object): Promise<unknown>;
  paginate: ((endpoint: unknown, parameters?: object, map?: unknown) => Promise<unknown>) & {
    iterator(endpoint: unknown, parameters?: object): AsyncGenerator<unknown>;
  };
  hook: Record<HookKind, (name: "request", hook: never) => void>;
}
type HookKind = "before" | "after" | "error" | "wrap";

function memo<T>(made: Map<string, T>, key: string, make: (key: string) => T): T {
  const known = made.get(key);
  if (known !== undefined) return known;
  const value = make(key);
  made.set(key, value);
  return value;
}

/**
 * A stand-in for the client whose `rest.<scope>.<method>`, `request` and `paginate` load it on first use; hooks
 * added before then are added to it when it is built.
 */
function deferredClient(load: () => Promise<GitHubClient>): GitHubClient {
  let built: GitHubClient | undefined;
  const pendingHooks: ((client: GitHubClient) => void)[] = [];
  const real = async (): Promise<GitHubClient> => {
    built ??= await load();
    for (const addHook of pendingHooks.splice(0)) addHook(built);
    return built;
  };
  const hook = (kind: HookKind) => (name: "request", added: never) => {
    const addHook = (client: GitHubClient) => client.hook[kind](name, added);
    if (built) addHook(built);
    else pendingHooks.push(addHook);
  };
  /** Which real endpoint a stand-in `rest.<scope>.<method>` is, for `paginate`, which needs the real one. */
  const endpoints = new WeakMap<object, [string, string]>();
  const resolve = (client: GitHubClient, endpoint: unknown): unknown => {
    const path = typeof endpoint === "function" ? endpoints.get(endpoint) : undefined;
    return path ? (client as unknown as DeferredSurface).rest[path[0]]![path[1]] : endpoint;
  };
  const scopes = new Map<string, Record<string, Endpoint>>();
  const scope = (name: string): Record<string, Endpoint> => {
    const methods = new Map<string, Endpoint>();
    const method = (methodName: string): Endpoint => {
      const endpoint: Endpoint = async (parameters) => {
        const client = await real();
        return (resolve(client, endpoint) as Endpoint)(parameters);
      };
      endpoints.set(endpoint, [name, methodName]);
      return endpoint;
    };
    return new Proxy({}, { get: (_, key) => (typeof key === "string" ? memo(methods, key, method) : undefined) });
  };
  const surface: DeferredSurface = {
    rest: new Proxy({}, { get: (_, key) => (typeof key === "string" ? memo(scopes, key, scope) : undefined) }),
    hook: { before: hook("before"), after: hook("after"), error: hook("error"), wrap: hook("wrap") },
    request: async (route, parameters) => (await real()).request(route, parameters as never),
    paginate: Object.assign(
      async (endpoint: unknown, parameters?: object, map?: unknown) => {
        const client = await real();
        return client.paginate(resolve(client, endpoint) as never, parameters as never, map as never);
      },
      {
        async *iterator(endpoint: unknown, parameters?: object) {
          const client = await real();
          yield* client.paginate.iterator(resolve(client, endpoint) as never, parameters as never);
        },
      },
    ),
  };
  return surface as unknown as GitHubClient;
}
