/**
 * A one-line progress bar on stderr for long CLI runs. Only on a TTY: when stderr is a file or a
 * pipe (CI, tests, `2> log`), carriage returns would litter it, so nothing is written at all.
 */
export interface Progress {
  /** Sets the count done so far; redraws at most every `intervalMs`. */
  update(done: number): void;
  /** Draws the final state and ends the line. */
  done(): void;
}

const WIDTH = 30;

export function progress(label: string, total?: number, opts: { stream?: NodeJS.WriteStream; intervalMs?: number } = {}): Progress {
  const out = opts.stream ?? process.stderr;
  if (!out.isTTY) return { update() {}, done() {} };
  const interval = opts.intervalMs ?? 100;
  const started = performance.now();
  let last = 0;
  let count = 0;
  const draw = (): void => {
    const secs = (performance.now() - started) / 1000;
    const rate = secs > 0 ? Math.round(count / secs) : 0;
    let line = `${label} ${count.toLocaleString('en')}`;
    if (total !== undefined && total > 0) {
      const frac = Math.min(1, count / total);
      const filled = Math.round(frac * WIDTH);
      line = `${label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${(frac * 100).toFixed(1)}% ${count.toLocaleString('en')}/${total.toLocaleString('en')}`;
    }
    out.write(`\r${line} ${rate.toLocaleString('en')}/s\x1b[K`);
  };
  return {
    update(n) {
      count = n;
      const now = performance.now();
      // Redrawing on every event would cost more than the work it reports.
      if (now - last < interval) return;
      last = now;
      draw();
    },
    done() {
      draw();
      out.write('\n');
    },
  };
}
