import semver from "semver";
import type { PublishedModel } from "@ctrain/core";

/** Model names as `ctrain.yml` allows them; they never hold `@`, so the tag splits unambiguously. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `<model>@v<semver>`: the tag form GTO reads, so one repository can hold many models. */
export function modelTag(model: string, version: string): string {
  return `${model}@v${version}`;
}

/** Splits a model tag; undefined for tags that are not ctrain's (other releases share the repository). */
export function parseModelTag(tag: string): { model: string; version: string } | undefined {
  const at = tag.indexOf("@v");
  if (at < 0) return undefined;
  const model = tag.slice(0, at);
  const version = tag.slice(at + 2);
  if (!MODEL_NAME.test(model) || semver.valid(version) !== version) return undefined;
  return { model, version };
}

/** Highest semver first: the order every registry lists versions in. */
export function newestFirst(versions: readonly PublishedModel[]): PublishedModel[] {
  return [...versions].sort((a, b) => semver.rcompare(a.version, b.version));
}

/** The champion: the highest published version that is not a prerelease. */
export function pickChampion(versions: readonly PublishedModel[]): PublishedModel | undefined {
  return newestFirst(versions.filter((version) => !version.draft && !version.prerelease))[0];
}
