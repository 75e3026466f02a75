import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root and the CLI entry, found from this file (no machine paths). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin', 'palimpsest.js');

/**
 * A clean environment for a child: only what the process needs, so nothing of the test runner
 * (NODE_OPTIONS loaders, coverage hooks) or of the developer's shell (PALIMPSEST_*) leaks in.
 */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info' };
  if (process.env.HOME !== undefined) env.HOME = process.env.HOME;
  if (process.env.TMPDIR !== undefined) env.TMPDIR = process.env.TMPDIR;
  return { ...env, ...extra };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `palimpsest <args>` to completion (bounded by a timeout that kills it). */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`palimpsest ${args.join(' ')} timed out; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  port: number;
  /** Everything the process wrote to stdout and stderr so far (pino lines). */
  output(): string;
  /** Parsed pino lines from stdout. */
  logLines(): Record<string, unknown>[];
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const LISTENING = /Server listening at (http:\/\/127\.0\.0\.1:(\d+))/;

/**
 * Starts `palimpsest serve` on 127.0.0.1 with PORT=0 and resolves once it logs its address.
 * The caller must kill it (use `track` with t.teardown).
 */
export function startServer(env: Record<string, string>, timeoutMs = 60_000, fdLimit?: number): Promise<ChildServer> {
  // A lower soft descriptor limit is set by the shell that execs the server (lowering needs no privilege).
  const [cmd, args] = fdLimit === undefined
    ? [process.execPath, [BIN, 'serve']]
    : ['/bin/sh', ['-c', `ulimit -n ${Math.trunc(fdLimit)} && exec "$0" "$1" serve`, process.execPath, BIN]];
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: childEnv({ HOST: '127.0.0.1', PORT: '0', PALIMPSEST_DEMO: 'false', PALIMPSEST_SQLITE_SYNCHRONOUS: 'FULL', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`the server did not start in ${timeoutMs} ms; output:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    const check = (): void => {
      const m = LISTENING.exec(stdout);
      if (done || !m) return;
      done = true;
      clearTimeout(timer);
      const server: ChildServer = {
        proc: child,
        url: m[1]!,
        port: Number(m[2]),
        output: () => stdout + stderr,
        logLines: () => stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
        exited,
        async kill(signal) {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      };
      resolve(server);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    void exited.then((e) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`the server exited before listening (${String(e.code ?? e.signal)}); output:\n${stdout}\n${stderr}`));
    });
  });
}

/** Kills the server (SIGKILL) at teardown unless it already exited. */
export function track(t: { teardown(fn: () => unknown): void }, s: ChildServer): ChildServer {
  t.teardown(async () => {
    await s.kill('SIGKILL');
  });
  return s;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
