/**
 * Redaction (docs/log.md, "Leaf format v2 and redaction"): erases string values of one stored v2 event, records
 * the FieldsRedacted event, and before it answers brings every read model and every file of this
 * instance in line with the store, so that no answer or snapshot still holds an erased value.
 */
import { redactedPaths } from '../log/leaf-v2.ts';
import { redactionPathProblems } from '../log/redactable-paths.ts';
import { NotRedactable, type EventStore } from '../store/port.ts';
import { AppError } from './errors.ts';
import type { LiveModels } from './live-models.ts';
import type { IdempotentAppend, WriteContext, WriteResult, WriteService } from './write-service.ts';

export const REDACTIONS_STREAM = 'redactions';
export const FIELDS_REDACTED = 'FieldsRedacted';

export interface RedactionBody {
  paths: string[];
  reason: string;
}

/** What must follow an erasure in this process: caches dropped, read models refolded, snapshots rewritten. */
export type AfterErasure = () => Promise<void>;

export class RedactionService {
  constructor(
    private readonly store: EventStore,
    private readonly live: LiveModels,
    private readonly writer: WriteService,
    private readonly afterErasure: AfterErasure,
  ) {}

  /** An Idempotency-Key makes a repeat answer the original result, as on every POST. */
  redact(index: bigint, body: RedactionBody, ctx: WriteContext): Promise<WriteResult> {
    return this.writer.idempotent(ctx, (keyed) => this.erase(index, body, ctx, keyed));
  }

  private async erase(index: bigint, body: RedactionBody, ctx: WriteContext, keyed: IdempotentAppend): Promise<WriteResult> {
    const [target] = index < (await this.store.size()) ? await this.store.readAll({ from: index, limit: 1 }) : [];
    if (target === undefined || target.index !== index) throw new AppError('event-not-found', `no event at log index ${index}`);
    if (target.opening === undefined) {
      throw new AppError('not-redactable', `the event at index ${index} has a v1 leaf, which commits to its strings themselves: erasing one would break the log`);
    }
    const problems = redactionPathProblems(target.type, target.data, body.paths, redactedPaths(target.opening));
    if (problems.length > 0) {
      const errors = problems.map((p) => ({ path: p.index < 0 ? '/paths' : `/paths/${p.index}`, message: p.message }));
      throw new AppError('validation', errors.map((e) => `${e.path}: ${e.message}`).join('; '), { errors });
    }
    if (this.store.redactEvent === undefined) {
      throw new AppError('not-redactable', `the ${this.store.kind} store cannot erase stored values (docs/log.md)`);
    }
    let result;
    try {
      result = await this.store.redactEvent({
        target: index,
        paths: body.paths,
        stream: REDACTIONS_STREAM,
        event: {
          eventId: keyed.eventId,
          type: FIELDS_REDACTED,
          schemaVersion: 1,
          // Where, never what: the erased values appear nowhere in the redaction event.
          data: { target: { index: Number(index), stream: target.stream, revision: Number(target.revision), eventId: target.eventId }, paths: body.paths, reason: body.reason },
          metadata: { actor: ctx.actor, correlationId: ctx.correlationId, ...(ctx.causationId !== undefined ? { causationId: ctx.causationId } : {}), ...keyed.metadata },
        },
      });
    } catch (err) {
      if (err instanceof NotRedactable) throw new AppError('not-redactable', err.message);
      throw err;
    }
    await this.live.waitFor(result.index);
    await this.afterErasure();
    return { stream: REDACTIONS_STREAM, revision: result.nextRevision, index: result.index, position: result.position, ids: {}, replayed: false };
  }
}
