import { compact, type SourceCommand } from './commands.ts';
import { fail, unreachable } from './errors.ts';
import type { SourceEvent, SourceFields } from './events.ts';

export interface SourceState {
  exists: boolean;
  sourceId: string;
  fields?: SourceFields;
}

export function initialSourceState(): SourceState {
  return { exists: false, sourceId: '' };
}

export function evolveSource(state: SourceState, event: SourceEvent): SourceState {
  switch (event.type) {
    case 'SourceRegistered': {
      const { sourceId, ...fields } = event.data;
      return { exists: true, sourceId, fields };
    }
    case 'SourceAmended':
      if (state.fields === undefined) return state;
      return { ...state, fields: { ...state.fields, ...compact(event.data.changes) } };
    default:
      return unreachable(event);
  }
}

export function decideSource(cmd: SourceCommand, state: SourceState): SourceEvent[] {
  switch (cmd.type) {
    case 'RegisterSource': {
      if (state.exists) fail('source-exists', `source '${cmd.sourceId}' is already registered`, { sourceId: cmd.sourceId });
      const { type: _type, ...data } = cmd;
      return [{ type: 'SourceRegistered', data: compact(data) }];
    }
    case 'AmendSource': {
      if (!state.exists) fail('source-not-found', `source '${cmd.sourceId}' does not exist`, { sourceId: cmd.sourceId });
      const changes = compact(cmd.changes);
      if (Object.keys(changes).length === 0) fail('empty-changes', 'an amendment needs at least one changed field');
      return [{ type: 'SourceAmended', data: { changes, reason: cmd.reason } }];
    }
    default:
      return unreachable(cmd);
  }
}
