import { BusyError } from './errors';

/**
 * Runs at most `concurrency` jobs at once and lets at most `maxWaiting` more wait their turn; beyond that a
 * job is refused at once with BusyError, so a rush is told to try again rather than left waiting for seconds.
 */
export class BoundedWork {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /** True when a job given now would be refused. */
  get full(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxWaiting;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running < this.concurrency) this.running += 1;
    else if (this.waiting.length < this.maxWaiting) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else throw new BusyError();
    try {
      return await job();
    } finally {
      // The slot passes straight to the next job waiting, so `running` never drops below what is running.
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}
