import path from 'node:path';
import { z } from 'zod';

const Bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const Env = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PALIMPSEST_DATA_DIR: z.string().min(1).default('./data'),
  PALIMPSEST_STORE: z.enum(['sqlite', 'kurrentdb', 'postgres']).default('sqlite'),
  KURRENTDB_URL: z.string().min(1).default('kurrentdb://127.0.0.1:2113?tls=false'),
  DATABASE_URL: z.string().min(1).optional(),
  PALIMPSEST_DEMO: Bool.default(true),
  PALIMPSEST_ADMIN_TOKEN: z.string().min(16, 'PALIMPSEST_ADMIN_TOKEN must be at least 16 characters').optional(),
  PALIMPSEST_PUBLIC_READ: Bool.default(true),
  PALIMPSEST_BODY_LIMIT: z.coerce.number().int().min(1024).default(1024 * 1024),
  PALIMPSEST_LOG_ORIGIN: z.string().regex(/^[^\s+]+$/, 'the log origin is one word without spaces or +').default('palimpsest.local/log'),
  PALIMPSEST_LOG_KEY_FILE: z.string().min(1).optional(),
  PALIMPSEST_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  PALIMPSEST_CORS_ORIGIN: z.string().optional(),
  PALIMPSEST_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  PALIMPSEST_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(1000),
  PALIMPSEST_IDLE_TIMEOUT_MS: z.coerce.number().int().min(1000).default(60_000),
  PALIMPSEST_MAX_CONNECTIONS: z.coerce.number().int().min(16).default(10_000),
  PALIMPSEST_SSE_MAX_SUBSCRIBERS: z.coerce.number().int().min(1).default(5000),
  PALIMPSEST_SSE_MAX_PER_KEY: z.coerce.number().int().min(1).default(2000),
  PALIMPSEST_READ_BUDGET_MS: z.coerce.number().int().min(0).default(250),
  PALIMPSEST_SQLITE_SYNCHRONOUS: z.enum(['FULL', 'NORMAL']).default('FULL'),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  store: 'sqlite' | 'kurrentdb' | 'postgres';
  kurrentdbUrl: string;
  /** PostgreSQL; when absent, libpq's PG* variables (PGHOST, PGDATABASE, …) say where. */
  databaseUrl?: string;
  demo: boolean;
  adminToken?: string;
  publicRead: boolean;
  bodyLimit: number;
  logOrigin: string;
  logKeyFile: string;
  /** Requests per minute per key (or per IP for anonymous clients). */
  rateLimit: number;
  corsOrigin?: string;
  requestTimeoutMs: number;
  /** A connection with no traffic for this long is closed. */
  idleTimeoutMs: number;
  /** Client connections at most; lowered further to fit the process's descriptor limit. */
  maxConnections: number;
  /** Open /changes/stream subscribers at most, in total and per API key (or per address when anonymous). */
  sseMaxSubscribers: number;
  sseMaxPerKey: number;
  /** Event-loop ms per second each client may spend on costly reads (history, claims, as-of); 0 off. */
  readBudgetMs: number;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  /** Event-loop delay beyond which requests get 503 with Retry-After; 0 turns the guard off. */
  maxEventLoopDelayMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(overrides.dataDir ?? e.PALIMPSEST_DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    store: e.PALIMPSEST_STORE,
    kurrentdbUrl: e.KURRENTDB_URL,
    ...(e.DATABASE_URL !== undefined ? { databaseUrl: e.DATABASE_URL } : {}),
    demo: e.PALIMPSEST_DEMO,
    ...(e.PALIMPSEST_ADMIN_TOKEN !== undefined ? { adminToken: e.PALIMPSEST_ADMIN_TOKEN } : {}),
    publicRead: e.PALIMPSEST_PUBLIC_READ,
    bodyLimit: e.PALIMPSEST_BODY_LIMIT,
    logOrigin: e.PALIMPSEST_LOG_ORIGIN,
    logKeyFile: path.resolve(e.PALIMPSEST_LOG_KEY_FILE ?? path.join(dataDir, 'log-key.pem')),
    rateLimit: e.PALIMPSEST_RATE_LIMIT,
    ...(e.PALIMPSEST_CORS_ORIGIN !== undefined ? { corsOrigin: e.PALIMPSEST_CORS_ORIGIN } : {}),
    requestTimeoutMs: e.PALIMPSEST_REQUEST_TIMEOUT_MS,
    idleTimeoutMs: e.PALIMPSEST_IDLE_TIMEOUT_MS,
    maxConnections: e.PALIMPSEST_MAX_CONNECTIONS,
    sseMaxSubscribers: e.PALIMPSEST_SSE_MAX_SUBSCRIBERS,
    sseMaxPerKey: e.PALIMPSEST_SSE_MAX_PER_KEY,
    readBudgetMs: e.PALIMPSEST_READ_BUDGET_MS,
    sqliteSynchronous: e.PALIMPSEST_SQLITE_SYNCHRONOUS,
    maxEventLoopDelayMs: e.PALIMPSEST_MAX_EVENT_LOOP_DELAY_MS,
    ...overrides,
  };
}
