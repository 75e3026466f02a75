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
 * Caps connections below the descriptor limit, so accept() never meets EMFILE. Near the cap, a new
 * connection closes the oldest one that is idle (no request in flight) rather than being refused:
 * idle sockets that never send a byte cannot lock out a client that has something to ask.
 * An accept error (EMFILE, ENFILE) is logged, never fatal: Node emits it as the server's 'error'.
 */
export function applyConnectionLimits(server: Server, limits: ConnectionLimits, log: FastifyBaseLogger): void {
  const cap = limits.maxConnections;
  server.maxConnections = cap;
  // Insertion order is age order; a socket moves to `busy` while it has a request in flight.
  const idle = new Set<Socket>();
  const busy = new Map<Socket, number>();
  server.on('connection', (socket: Socket) => {
    idle.add(socket);
    socket.once('close', () => {
      idle.delete(socket);
      busy.delete(socket);
    });
    // Leave a margin below Node's hard refusal so the eviction decides, not the kernel queue.
    if (idle.size + busy.size > cap - 8) {
      const oldest = idle.values().next().value;
      if (oldest !== undefined && oldest !== socket) {
        idle.delete(oldest);
        oldest.destroy();
      }
    }
  });
  server.on('request', (req, res) => {
    const socket = req.socket;
    idle.delete(socket);
    busy.set(socket, (busy.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const n = (busy.get(socket) ?? 1) - 1;
      if (n > 0) busy.set(socket, n);
      else if (busy.delete(socket) && !socket.destroyed) idle.add(socket);
    });
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EMFILE' || err.code === 'ENFILE') log.warn({ code: err.code }, 'out of file descriptors: a connection was refused');
    else if (err.code !== 'EADDRINUSE' && err.code !== 'EACCES') log.error({ err }, 'server error');
  });
}
