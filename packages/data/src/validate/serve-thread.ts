import { serveDatasetThread } from "./dataset-thread.js";
import { serveProfileThread } from "./profile-thread.js";
import { serveSettleThread } from "./settle-thread.js";

/**
 * Call first thing in the entry script of `ProfileThreadOptions.entry`: on a thread validate started (one that profiles
 * a share of a large dataset, one that settles spilled keys, or one that validates a dataset of its own) it does that
 * thread's work and returns true; elsewhere it returns false at once, so the script runs its own work.
 */
export async function serveValidationThread(): Promise<boolean> {
  return (await serveProfileThread()) || serveSettleThread() || (await serveDatasetThread());
}
