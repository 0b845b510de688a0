import { UserError } from "@ctrain/core";
import type { RunContext } from "../context.js";

/**
 * The tag of the release that started this run (`on: release`), or undefined for other events. Only the tag is
 * taken from the payload: the release itself is read again from the API and verified like any other.
 */
export function releaseTagFromEvent(context: Pick<RunContext, "eventName" | "payload">): string | undefined {
  if (context.eventName !== "release") return undefined;
  const release = context.payload.release as { tag_name?: unknown } | undefined;
  if (typeof release?.tag_name !== "string" || release.tag_name === "") {
    throw new UserError("the release event's payload has no release.tag_name", {
      hint: "set `version:` to a tag, a version or `latest`",
    });
  }
  return release.tag_name;
}
