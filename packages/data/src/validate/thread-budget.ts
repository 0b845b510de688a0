/**
 * The threads datasets validated at once share. Each dataset waits for its threads first come first served, so one
 * that takes them all starts when those before it finished and holds back those after it.
 */
export class ThreadBudget {
  private free: number;
  private readonly waiting: { threads: number; start: () => void }[] = [];

  constructor(private readonly size: number) {
    this.free = size;
  }

  /** Runs `work` once `threads` threads (at most the whole budget) are free, and frees them when it settles. */
  async run<T>(threads: number, work: () => Promise<T>): Promise<T> {
    const wanted = Math.min(threads, this.size);
    if (this.waiting.length === 0 && wanted <= this.free) this.free -= wanted;
    else await new Promise<void>((start) => this.waiting.push({ threads: wanted, start }));
    try {
      return await work();
    } finally {
      this.free += wanted;
      this.startWaiting();
    }
  }

  private startWaiting(): void {
    while (this.waiting.length > 0 && this.waiting[0]!.threads <= this.free) {
      const next = this.waiting.shift()!;
      this.free -= next.threads;
      next.start();
    }
  }
}
