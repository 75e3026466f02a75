/**
 * The shapes a command takes on its way through the write service (src/app/write-service.ts):
 * its context, its place in a stream's batch, the events it becomes, and its answer.
 */
import { randomUUID } from 'node:crypto';
import type { Decider } from '../domain/decider.ts';
import { EVENT_SCHEMAS, type DomainEvent } from '../domain/events.ts';
import type { NewEvent, StoredEvent } from '../store/port.ts';
import { AppError } from './errors.ts';
import { idempotentEventId } from './idempotency.ts';

/** The request an Idempotency-Key names: a repeat must match it exactly (method, path, canonical body). */
export interface IdempotentRequest {
  key: string;
  method: string;
  path: string;
  body: unknown;
}

export interface WriteContext {
  actor: string;
  correlationId: string;
  causationId?: string;
  idempotency?: IdempotentRequest;
  /** The client's expected revision: a stale one fails instead of being retried. */
  ifMatch?: bigint;
}

export interface WriteResult {
  stream: string;
  /** Revision of the stream after the write. */
  revision: bigint;
  index: bigint;
  position: bigint;
  /** The ids the first event names (incidentId, sourceId, claimId): generated ones are read back here. */
  ids: Record<string, string>;
  /** An earlier answer to the same idempotent request: nothing was appended. */
  replayed: boolean;
}

/** A decider as the write service runs it: with the upcaster that turns a stored event into its domain event. */
export interface StreamDecider<C, S, E extends DomainEvent> extends Decider<C, S, E> {
  parse(e: StoredEvent): E;
}

/** An idempotency key with the hash of the request it came with. */
export interface Keyed {
  key: string;
  /** What a new event keeps: the HMAC when the service has a key. */
  hash: string;
  /** Also the same request: the plain hash that events stored before the HMAC carry. */
  legacy: string;
}

/** A command waiting on its stream's batch, with its caller's answer. */
export interface Pending {
  cmd: unknown;
  ctx: WriteContext;
  keyed: Keyed | undefined;
  resolve(r: WriteResult): void;
  reject(e: unknown): void;
}

export interface StreamQueue {
  waiting: Pending[];
}

/** A command of a batch with the events it decided. */
export interface Decided {
  pending: Pending;
  events: DomainEvent[];
}

/** A stream's decided-on state at its revision (undefined: no stream). */
export interface Loaded<S> {
  state: S;
  revision: bigint | undefined;
}

export function envelope(e: DomainEvent, i: number, ctx: WriteContext, keyed: Keyed | undefined): NewEvent {
  return {
    // Derived from the key, so that two racing copies of one request append the same ids.
    eventId: keyed ? idempotentEventId(ctx.actor, keyed.key, i) : randomUUID(),
    type: e.type,
    schemaVersion: EVENT_SCHEMAS[e.type].schemaVersion,
    data: e.data,
    metadata: {
      actor: ctx.actor,
      correlationId: ctx.correlationId,
      ...(ctx.causationId !== undefined ? { causationId: ctx.causationId } : {}),
      ...(keyed ? { idempotencyKey: keyed.key, requestHash: keyed.hash } : {}),
    },
  };
}

export function stale(current: bigint | undefined): AppError {
  return new AppError('precondition-failed', 'the stream has changed since the revision in If-Match', { currentRevision: current ?? null });
}
