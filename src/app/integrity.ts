/**
 * Whether this instance may serve its store's data (docs/log.md, "The server checks itself"): the
 * checks run at start and in the background report here, and the HTTP gate and /health read it.
 * The first fault found wins and is never cleared: a tampered store is fixed by an operator and a
 * restart, not by the process that found it.
 */

export interface LeafRef {
  index: number;
  stream: string;
  revision: number;
}

export interface Fault {
  /** One sentence naming what does not match. */
  reason: string;
  firstBadLeaf?: LeafRef;
  /** A read model of a snapshot that differs from the log's, and the items (incidents, sources) that differ. */
  readModel?: string;
  items?: string[];
}

export type IntegrityStatus = { status: 'ok' } | { status: 'verifying' } | ({ status: 'tampered' } & Fault);

export class Integrity {
  private readonly pending = new Set<string>();
  private fault: Fault | undefined;
  private report: ((fault: Fault) => void) | undefined;

  /** Where the one log line about a fault goes; a fault found before this was set is reported now. */
  reportTo(report: (fault: Fault) => void): void {
    this.report = report;
    if (this.fault !== undefined) report(this.fault);
  }

  /** A check that runs in the background: until `end`, the status is `verifying`. */
  begin(check: string): void {
    this.pending.add(check);
  }

  end(check: string): void {
    this.pending.delete(check);
  }

  tamper(fault: Fault): void {
    if (this.fault !== undefined) return;
    this.fault = fault;
    this.report?.(fault);
  }

  get tampered(): Fault | undefined {
    return this.fault;
  }

  /** Every check done and none failed: what a snapshot must have been written under. */
  get verified(): boolean {
    return this.fault === undefined && this.pending.size === 0;
  }

  get status(): IntegrityStatus {
    if (this.fault !== undefined) return { status: 'tampered', ...this.fault };
    return this.pending.size > 0 ? { status: 'verifying' } : { status: 'ok' };
  }
}

export const describeLeaf = (l: LeafRef): string => `leaf ${l.index} (stream ${l.stream}, revision ${l.revision})`;
