export { startGitHubFake } from "./server.js";
export type { FakeViolation, GitHubFake, GitHubFakeOptions, RecordedRequest, ViolationKind } from "./server.js";
export type { RateLimitFailure } from "./rate-limits.js";
export type { Fault, FaultRule } from "../faults.js";
export type { FakeRenderer } from "./render/fake-renderer.js";
export { ACTIONS_BOT, FakeGitHubState } from "./state.js";
export { PERMISSIVE_DEFAULT, RESTRICTED_DEFAULT, WORKFLOW_SCOPES } from "./tokens.js";
export type { Access, PermissionScope, Permissions, TokenOptions } from "./tokens.js";
export type * from "./records.js";
