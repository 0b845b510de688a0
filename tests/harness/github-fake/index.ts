export { startGitHubFake } from "./server.js";
export type {
  FakeViolation,
  GitHubFake,
  GitHubFakeOptions,
  RateLimitFailure,
  RecordedRequest,
  ViolationKind,
} from "./server.js";
export { ACTIONS_BOT, FakeGitHubState } from "./state.js";
export type { Access, PermissionScope, Permissions, TokenOptions } from "./tokens.js";
export type * from "./records.js";
