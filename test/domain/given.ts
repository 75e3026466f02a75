import type { Test } from 'tap';
import { DomainError, type DomainErrorCode } from '../../src/domain/errors.ts';
import type { Decider } from '../../src/domain/decider.ts';
import { EVENT_SCHEMAS, type DomainEvent } from '../../src/domain/events.ts';


/**
 * given(events).when(command).then(expected): folds `events`, decides `command`, and checks the result
 * against the expected events or error code. Every emitted event must also parse with its own schema and
 * carry no `undefined` member, and `decide` must leave the state it was given untouched.
 * Returns what decide produced (events, or the DomainError) for further checks.
 */
export function scenarios<C, E extends DomainEvent, S>(t: Test, decider: Decider<C, S, E>) {
  return {
    given(events: E[]) {
      const state = events.reduce((s, e) => decider.evolve(s, e), decider.initial());
      // The in-place fold the write service runs must reach the very same state.
      t.equal(snapshot(events.reduce((s, e) => decider.evolveInPlace(s, e), decider.initial())), snapshot(state), 'evolveInPlace folds to the same state');
      return {
        when(cmd: C) {
          return {
            then(expected: E[] | DomainErrorCode): E[] | DomainError | undefined {
              const before = snapshot(state);
              let produced: E[];
              try {
                produced = decider.decide(cmd, state);
              } catch (e) {
                if (!(e instanceof DomainError)) throw e;
                if (typeof expected === 'string') t.equal(e.code, expected, `refused with ${expected}`);
                else t.fail(`expected events, got ${e.code}: ${e.message}`);
                t.equal(snapshot(state), before, 'decide leaves the state untouched');
                return e;
              }
              t.equal(snapshot(state), before, 'decide leaves the state untouched');
              if (typeof expected === 'string') {
                t.fail(`expected ${expected}, got ${JSON.stringify(produced)}`);
                return undefined;
              }
              t.strictSame(produced, expected, 'emits the expected events');
              for (const e of produced) {
                t.notOk(hasUndefined(e.data), `${e.type} data has no undefined member`);
                const parsed = EVENT_SCHEMAS[e.type].schema.safeParse(e.data);
                t.ok(parsed.success, `${e.type} data parses with its schema${parsed.success ? '' : `: ${parsed.error.message}`}`);
              }
              return produced;
            },
          };
        },
      };
    },
  };
}

/** Folds events from the initial state. */
export function fold<E, S>(decider: Pick<Decider<never, S, E & DomainEvent>, 'initial' | 'evolve'>, events: E[]): S {
  return events.reduce((s, e) => decider.evolve(s, e as E & DomainEvent), decider.initial());
}

/** A JSON rendering that sees into Maps, to compare states by value. */
export function snapshot(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (v instanceof Map ? { map: [...v.entries()] } : v === undefined ? '<undefined>' : v));
}

function hasUndefined(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.some(hasUndefined);
  if (typeof v === 'object' && v !== null) return Object.values(v).some(hasUndefined);
  return false;
}
