import t from 'tap';
import type { Test } from 'tap';
import type { SourceCommand } from '../../src/domain/commands.ts';
import type { SourceEvent, SourceRegisteredData } from '../../src/domain/events.ts';
import { sourceDecider } from '../../src/domain/decider.ts';
import { fold, scenarios } from './given.ts';

const decider = sourceDecider;
const given = (t: Test, events: SourceEvent[]) => scenarios(t, decider).given(events);

const reuters: SourceRegisteredData = { sourceId: 'reuters', name: 'Reuters', kind: 'news-outlet', url: 'https://www.reuters.com', country: 'GB' };
const registered: SourceEvent = { type: 'SourceRegistered', data: reuters };

t.test('RegisterSource', async (t) => {
  t.test('registers a source, omitting absent optional fields', async (t) => {
    given(t, []).when({ type: 'RegisterSource', ...reuters, description: undefined }).then([registered]);
    const state = fold(decider, [registered]);
    t.equal(state.exists, true);
    t.equal(state.sourceId, 'reuters');
    t.strictSame(state.fields, { name: 'Reuters', kind: 'news-outlet', url: 'https://www.reuters.com', country: 'GB' });
  });
  t.test('an existing source → source-exists', async (t) => {
    given(t, [registered]).when({ type: 'RegisterSource', ...reuters, name: 'Reuters again' }).then('source-exists');
  });
});

t.test('AmendSource', async (t) => {
  t.test('replaces the changed fields', async (t) => {
    const amended: SourceEvent = { type: 'SourceAmended', data: { changes: { description: 'International wire service', country: 'US' }, reason: 'more detail' } };
    given(t, [registered])
      .when({ type: 'AmendSource', sourceId: 'reuters', changes: { description: 'International wire service', country: 'US', url: undefined }, reason: 'more detail' })
      .then([amended]);
    t.strictSame(fold(decider, [registered, amended]).fields, {
      name: 'Reuters', kind: 'news-outlet', url: 'https://www.reuters.com', country: 'US', description: 'International wire service',
    });
  });
  t.test('an unknown source → source-not-found', async (t) => {
    given(t, []).when({ type: 'AmendSource', sourceId: 'reuters', changes: { name: 'R' }, reason: 'r' }).then('source-not-found');
  });
  t.test('no changes → empty-changes', async (t) => {
    given(t, [registered]).when({ type: 'AmendSource', sourceId: 'reuters', changes: {}, reason: 'r' }).then('empty-changes');
    given(t, [registered]).when({ type: 'AmendSource', sourceId: 'reuters', changes: { name: undefined }, reason: 'r' }).then('empty-changes');
  });
});
