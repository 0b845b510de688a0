import semver from "semver";
import { UserError, type PublishedModel } from "@ctrain/core";
import { modelTag, newestFirst, parseModelTag, pickChampion } from "./tags.js";

/** Prereleases are numbered `<next>-rc.<n>`. */
export const PRERELEASE_ID = "rc";

export interface VersionPolicy {
  bump: "major" | "minor" | "patch";
  prerelease: boolean;
  /** A version given in config or an input (`1.4.0` or `v1.4.0`); bumping is skipped. */
  explicit?: string;
}

/**
 * The next version of a model, bumped from the highest one published. Semver's own rules carry prereleases:
 * after `1.3.0-rc.1` a minor bump gives `1.3.0`, and another prerelease gives `1.3.0-rc.2`.
 */
export function nextVersion(
  published: readonly string[],
  policy: VersionPolicy,
): { version: string; prerelease: boolean } {
  if (policy.explicit !== undefined) {
    const version = semver.valid(policy.explicit.replace(/^v/, ""));
    if (!version) {
      throw new UserError(`version ${JSON.stringify(policy.explicit)} is not a semantic version`, {
        location: "publish.version",
        hint: "give a version like 1.4.0 or 2.0.0-rc.1, or remove it to bump from the latest release",
      });
    }
    return { version, prerelease: policy.prerelease || semver.prerelease(version) !== null };
  }
  const highest = [...published].sort(semver.rcompare)[0] ?? "0.0.0";
  if (!policy.prerelease) return { version: semver.inc(highest, policy.bump)!, prerelease: false };
  const version = semver.prerelease(highest)
    ? semver.inc(highest, "prerelease", PRERELEASE_ID)!
    : semver.inc(highest, `pre${policy.bump}`, PRERELEASE_ID)!;
  return { version, prerelease: true };
}

function available(versions: readonly PublishedModel[]): string {
  const tags = newestFirst(versions).map((version) => version.tag);
  if (tags.length === 0) return "none is published yet";
  return `published: ${tags.slice(0, 10).join(", ")}${tags.length > 10 ? `, and ${tags.length - 10} more` : ""}`;
}

/**
 * Finds the version a fetch asks for among published ones: `latest` (the champion), a tag (`churn@v1.2.0`), a
 * version (`1.2.0` or `v1.2.0`) or a semver range (`^1.2`, `1.x`), which picks the highest match.
 */
export function resolveVersionSpec(
  spec: string,
  model: string,
  versions: readonly PublishedModel[],
  where = "version",
): PublishedModel {
  const published = versions.filter((version) => !version.draft);
  const notFound = (what: string): UserError =>
    new UserError(`no published version of model ${model} matches ${what} (${available(published)})`, {
      location: where,
      hint: "check the model name and the version; only published (not draft) releases are fetched",
    });
  const wanted = spec.trim();
  if (wanted === "latest") {
    const champion = pickChampion(published);
    if (!champion) throw notFound("latest (the highest version that is not a prerelease)");
    return champion;
  }
  const tagged = parseModelTag(wanted);
  if (tagged && tagged.model !== model) {
    throw new UserError(`tag ${wanted} belongs to model ${tagged.model}, not ${model}`, {
      location: where,
      hint: `use a tag of ${model} (${modelTag(model, "1.0.0")}) or set the model name to ${tagged.model}`,
    });
  }
  const exact = tagged?.version ?? semver.valid(wanted.replace(/^v/, ""));
  if (exact) {
    const found = published.find((version) => version.version === exact);
    if (!found) throw notFound(modelTag(model, exact));
    return found;
  }
  const range = semver.validRange(wanted);
  if (!range) {
    throw new UserError(`cannot read version ${JSON.stringify(spec)}`, {
      location: where,
      hint: `expected latest, a tag (${modelTag(model, "1.2.0")}), a version (1.2.0) or a semver range (^1.2)`,
    });
  }
  const best = semver.maxSatisfying(
    published.map((version) => version.version),
    range,
  );
  if (!best) throw notFound(`the range ${wanted}`);
  return published.find((version) => version.version === best)!;
}
