import fs from 'node:fs';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';

/** Descriptors kept for everything that is not a client connection: the store, its WAL, logs, files. */
const RESERVED_FDS = 128;

/** The soft RLIMIT_NOFILE of this process (Linux reads it from /proc; elsewhere the common default). */
export function descriptorLimit(): number {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(fs.readFileSync('/proc/self/limits', 'utf8'));
    if (m?.[1] !== undefined) return m[1] === 'unlimited' ? 1_048_576 : Number(m[1]);
  } catch {
    // no /proc: fall through
  }
  return 1024;
}

/** How many client connections fit in the descriptor limit, and at most `configured`. */
export function connectionCap(configured: number, limit = descriptorLimit()): number {
  return Math.max(16, Math.min(configured, Math.floor((limit - RESERVED_FDS) * 0.9)));
}

export interface ConnectionLimits {
  /** Upper bound on open client connections (further ones are refused by Node before any byte is read). */
  maxConnections: number;
}

/**
 * Whether a response is in flight on the socket. Node's HTTP server attaches the response it is
 * writing to its socket as `_httpMessage` and clears it when the response is done; asking this at
 * eviction time (rare) costs the hot path nothing, where tracking each request with listeners of
 * our own cost every read a listener, a closure and two map updates.
 */
function busy(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: unknown })._httpMessage != null;
}

/**
 * Caps connections below the descriptor limit, so accept() never meets EMFILE. Near the cap, a new
 * connection closes the oldest one that is idle (no request in flight) rather than being refused:
 * idle sockets that never send a byte cannot lock out a client that has something to ask.
 * An accept error (EMFILE, ENFILE) is logged, never fatal: Node emits it as the server's 'error'.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, log: FastifyBaseLogger): void {
  const cap = limits.maxConnections;
  server.maxConnections = cap;
  // Insertion order is age order.
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    // Leave a margin below Node's hard refusal so the eviction decides, not the kernel queue.
    if (open.size > cap - 8) {
      for (const s of open) {
        if (s === socket) break;
        if (!busy(s)) {
          open.delete(s);
          s.destroy();
          break;
        }
      }
    }
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EMFILE' || err.code === 'ENFILE') log.warn({ code: err.code }, 'out of file descriptors: a connection was refused');
    else if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') log.error({ err }, 'server error');
  });
}
