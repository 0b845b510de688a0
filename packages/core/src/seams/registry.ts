import type { FileDigest } from "../bundle/documents.js";

/** A published model version in a registry (a GitHub release, or a folder in the local registry). */
export interface PublishedModel {
  model: string;
  version: string;
  /** `<model>@v<version>`, readable by GTO users. */
  tag: string;
  createdAt: string;
  /** Where a person can see it: a release URL or a folder path. */
  location: string;
  files: FileDigest[];
}

/** Where approved models are published and fetched from. */
export interface ModelRegistry {
  /** The champion: the latest published version of a model, if any. */
  latest(model: string): Promise<PublishedModel | undefined>;
  /** All published versions, newest first. */
  list(model: string): Promise<PublishedModel[]>;
}
