import type { IncidentCommand, SourceCommand } from './commands.ts';
import type { IncidentEvent, SourceEvent } from './events.ts';
import { decideIncident, evolveIncident, evolveIncidentInPlace, initialIncidentState, type DecideContext, type IncidentState } from './incident.ts';
import { decideSource, evolveSource, initialSourceState, type SourceState } from './source.ts';

/**
 * A consistency boundary as three plain functions: `decide` refuses a command with a DomainError or
 * answers with the events it causes, `evolve` folds an event into the state, `initial` is the state
 * of a stream without events.
 */
export interface Decider<Command, State, Event> {
  initial(): State;
  evolve(state: State, event: Event): State;
  /**
   * `evolve` for a state the caller owns alone: it may reuse and change the state it is given, which
   * must not be used afterwards. Equal to `evolve` in every result (the decider tests fold both).
   */
  evolveInPlace(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

/** An incident stream's decider; `ctx` answers what lies outside the stream (does a source exist?). */
export function incidentDecider(ctx: DecideContext): Decider<IncidentCommand, IncidentState, IncidentEvent> {
  return { initial: initialIncidentState, evolve: evolveIncident, evolveInPlace: evolveIncidentInPlace, decide: (cmd, state) => decideIncident(cmd, state, ctx) };
}

export const sourceDecider: Decider<SourceCommand, SourceState, SourceEvent> = {
  initial: initialSourceState,
  evolve: evolveSource,
  // A source's state holds no collection: its evolve copies O(1) already.
  evolveInPlace: evolveSource,
  decide: decideSource,
};
