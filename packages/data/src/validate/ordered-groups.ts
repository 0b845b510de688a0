import type { ValidationLog } from "./progress-log.js";

/**
 * The log of datasets validated at once: each dataset's lines come out as one group, the groups in config order. The
 * first unfinished dataset's lines pass straight through, so a long read shows its progress as it goes; the lines of
 * the datasets after it are held until every one before them finished.
 */
export class OrderedGroups {
  private head = 0;
  private readonly held: (() => void)[][];
  private readonly finished: boolean[];

  constructor(
    private readonly titles: readonly string[],
    private readonly log: ValidationLog,
  ) {
    this.held = titles.map(() => []);
    this.finished = titles.map(() => false);
    if (titles.length > 0) log.startGroup(titles[0]!);
  }

  /** The log of the dataset at `index`. */
  logOf(index: number): ValidationLog {
    const write = (line: () => void): void => {
      if (index === this.head) line();
      else this.held[index]!.push(line);
    };
    return {
      info: (message) => write(() => this.log.info(message)),
      startGroup: (name) => write(() => this.log.startGroup(name)),
      endGroup: () => write(() => this.log.endGroup()),
    };
  }

  /** Closes the dataset's group once every one before it is closed, and the groups after it that finished already. */
  finish(index: number): void {
    this.finished[index] = true;
    while (this.head < this.titles.length && this.finished[this.head]) {
      this.log.endGroup();
      this.head++;
      if (this.head === this.titles.length) return;
      this.log.startGroup(this.titles[this.head]!);
      for (const line of this.held[this.head]!) line();
      this.held[this.head] = [];
    }
  }
}
