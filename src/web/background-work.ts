import type { Logger } from 'pino';

/**
 * Work a request starts but does not wait for, so that its answer takes the same time whatever the work
 * finds (a password reset for an address with or without an account). A failure is logged; settled()
 * waits for everything started so far (tests, and a clean shutdown).
 */
export class BackgroundWork {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly logger: Logger) {}

  run(what: string, task: () => Promise<unknown>): void {
    const running: Promise<void> = task()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, `${what} failed`))
      .finally(() => this.pending.delete(running));
    this.pending.add(running);
  }

  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }
}
