/**
 * A metric file's value kept beside the one ctrain evaluated from the predictions (`metrics.json:accuracy`, or
 * `reported:accuracy` when several files were read): a record of what the command claimed, not a metric to gate or
 * publish by default.
 */
export function isReportedCopy(name: string): boolean {
  return /^(reported|[^:/=*]+\.[A-Za-z0-9]+):/.test(name);
}
