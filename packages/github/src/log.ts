import * as core from "@actions/core";
import { inertLines } from "@ctrain/core";

/**
 * The actions' log. Lines hold text from data, config and other runs; the toolkit escapes annotations and group
 * titles itself (they are workflow commands), but prints `info` lines as they are, so those are made inert here.
 */
export const actionLog = {
  info: (line: string): void => core.info(inertLines(line)),
  warning: (line: string, properties?: core.AnnotationProperties): void => core.warning(line, properties),
  notice: (line: string, properties?: core.AnnotationProperties): void => core.notice(line, properties),
  error: (line: string, properties?: core.AnnotationProperties): void => core.error(line, properties),
  group: <T>(title: string, body: () => Promise<T>): Promise<T> => core.group(title, body),
  startGroup: (title: string): void => core.startGroup(title),
  endGroup: (): void => core.endGroup(),
};

/** A host's log callback that only ever receives inert lines (none given: nothing is logged). */
export function inertLog(log: ((line: string) => void) | undefined): (line: string) => void {
  return log ? (line) => log(inertLines(line)) : () => undefined;
}
