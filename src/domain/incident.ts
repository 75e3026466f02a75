import { nextClaim, recordedClaim, type ClaimLayers } from './claim-layers.ts';
import { checkClaimValue } from './claim-values.ts';
import { compact, type IncidentCommand } from './commands.ts';
import { fail, unreachable, type FieldProblem } from './errors.ts';
import type { IncidentEvent, IncidentFields } from './events.ts';
import { valueIdentity } from './predicates.ts';
import { statedInstant } from './values.ts';

/** A claim as it stands now: its latest layer (see claim-layers.ts). */
export type ClaimState = ClaimLayers;

export interface IncidentState {
  exists: boolean;
  incidentId: string;
  fields?: IncidentFields;
  claims: Map<string, ClaimState>;
}

/** What `decide` needs to know beyond the incident's own stream; answered by the caller, so decide stays pure. */
export interface DecideContext {
  sourceExists(sourceId: string): boolean;
}

export function initialIncidentState(): IncidentState {
  return { exists: false, incidentId: '', claims: new Map() };
}

export function evolveIncident(state: IncidentState, event: IncidentEvent): IncidentState {
  return evolveWith(state, event, (claims) => new Map(claims));
}

/**
 * `evolveIncident` for a state its caller owns alone (the write service's decided-on state): the
 * claim map is updated in place, so a write costs O(1) in the incident's size instead of a copy of
 * every claim. The state given is consumed: only the one returned may be used afterwards.
 */
export function evolveIncidentInPlace(state: IncidentState, event: IncidentEvent): IncidentState {
  return evolveWith(state, event, (claims) => claims);
}

/** The one fold of both evolves; `own` gives the claim map that may be written (a copy, or the map itself). */
function evolveWith(state: IncidentState, event: IncidentEvent, own: (claims: Map<string, ClaimState>) => Map<string, ClaimState>): IncidentState {
  switch (event.type) {
    case 'IncidentRegistered': {
      const { incidentId, ...fields } = event.data;
      return { ...state, exists: true, incidentId, fields };
    }
    case 'IncidentAmended': {
      if (state.fields === undefined) return state;
      return { ...state, fields: { ...state.fields, ...compact(event.data.changes) } };
    }
    case 'ClaimRecorded': {
      const claim = recordedClaim(event.data);
      return claim === undefined ? state : { ...state, claims: own(state.claims).set(claim.claimId, claim) };
    }
    case 'ClaimRevised':
    case 'ClaimRetracted':
    case 'ClaimCorrected':
    case 'ClaimRanked': {
      // An event about an unknown claim cannot come out of `decide` and is ignored.
      const claim = state.claims.get(event.data.claimId);
      if (claim === undefined) return state;
      return { ...state, claims: own(state.claims).set(event.data.claimId, nextClaim(claim, event).claim) };
    }
    default:
      return unreachable(event);
  }
}

export function decideIncident(cmd: IncidentCommand, state: IncidentState, ctx: DecideContext): IncidentEvent[] {
  if (cmd.type === 'RegisterIncident') {
    if (state.exists) fail('incident-exists', `incident '${cmd.incidentId}' is already registered`, { incidentId: cmd.incidentId });
    const { type: _type, ...data } = cmd;
    return [{ type: 'IncidentRegistered', data: compact(data) }];
  }
  if (!state.exists) fail('incident-not-found', `incident '${cmd.incidentId}' does not exist`, { incidentId: cmd.incidentId });

  switch (cmd.type) {
    case 'AmendIncident': {
      const changes = compact(cmd.changes);
      if (Object.keys(changes).length === 0) fail('empty-changes', 'an amendment needs at least one changed field');
      return [{ type: 'IncidentAmended', data: { changes, reason: cmd.reason } }];
    }

    case 'RecordClaim': {
      const { type: _type, incidentId: _incidentId, ...data } = cmd;
      if (state.claims.has(cmd.claimId)) fail('claim-exists', `claim '${cmd.claimId}' is already used in this incident`, { claimId: cmd.claimId });
      invalidIf(checkClaimValue(cmd.predicate, cmd.qualifiers, cmd.value), `the value does not fit predicate '${cmd.predicate}'`);
      if (!ctx.sourceExists(cmd.sourceId)) fail('unknown-source', `source '${cmd.sourceId}' is not registered`, { sourceId: cmd.sourceId });
      return [{ type: 'ClaimRecorded', data: compact(data) }];
    }

    case 'ReviseClaim': {
      const { type: _type, incidentId: _incidentId, ...data } = cmd;
      const claim = openClaim(state, cmd.claimId);
      invalidIf(checkClaimValue(claim.predicate, claim.qualifiers, cmd.value), `the value does not fit predicate '${claim.predicate}'`);
      const before = valueIdentity(claim.predicate, claim.value);
      const after = valueIdentity(claim.predicate, cmd.value);
      if (before !== after) {
        // Multi-valued facts resolve per actor or name: another actor is another claim, not a revision.
        fail('revision-changes-identity', `a revision of a '${claim.predicate}' claim must keep its ${claim.predicate === 'responsibility' ? 'actor' : 'name'}`, {
          claimId: cmd.claimId, errors: [{ path: '/value', message: `must keep ${before === undefined ? 'the same kind of value' : `'${before}'`}` }],
        });
      }
      if (certainlyBefore(cmd.statedAt, claim.statedAt)) {
        fail('revision-before-statement', `the revision is stated before the claim's current statement (${claim.statedAt})`, {
          claimId: cmd.claimId, currentStatedAt: claim.statedAt, errors: [{ path: '/statedAt', message: `must not be before ${claim.statedAt}` }],
        });
      }
      return [{ type: 'ClaimRevised', data: compact(data) }];
    }

    case 'RetractClaim': {
      const { type: _type, incidentId: _incidentId, ...data } = cmd;
      openClaim(state, cmd.claimId);
      return [{ type: 'ClaimRetracted', data: compact(data) }];
    }

    case 'CorrectClaim': {
      const claim = existingClaim(state, cmd.claimId);
      if (claim.status === 'voided') fail('claim-voided', `claim '${cmd.claimId}' was voided by an erratum`, { claimId: cmd.claimId });
      const changes = compact(cmd.changes);
      const restore = cmd.restore === true;
      // Voiding is itself the change a 'wrong-incident' erratum makes, so it needs no field changes and
      // may void a retracted claim too (it does not belong to this incident either way).
      const voids = cmd.reason === 'wrong-incident';
      if (Object.keys(changes).length === 0 && !restore && !voids) {
        fail('empty-changes', 'an erratum needs at least one change, restore: true, or reason wrong-incident');
      }
      const retracted = claim.status === 'retracted';
      if (restore && !retracted) fail('claim-not-retracted', `claim '${cmd.claimId}' is not retracted`, { claimId: cmd.claimId });
      if (retracted && !restore && !voids) fail('claim-retracted', `claim '${cmd.claimId}' was retracted by its source`, { claimId: cmd.claimId });
      if (changes.value !== undefined || changes.qualifiers !== undefined) {
        const problems = checkClaimValue(claim.predicate, changes.qualifiers ?? claim.qualifiers, changes.value ?? claim.value);
        invalidIf(problems.map((p) => ({ ...p, path: `/changes${p.path}` })), `the corrected value does not fit predicate '${claim.predicate}'`);
      }
      if (changes.sourceId !== undefined && !ctx.sourceExists(changes.sourceId)) {
        fail('unknown-source', `source '${changes.sourceId}' is not registered`, { sourceId: changes.sourceId });
      }
      return [{
        type: 'ClaimCorrected',
        data: compact({ claimId: cmd.claimId, changes, restore: restore ? true : undefined, reason: cmd.reason, note: cmd.note }),
      }];
    }

    case 'RankClaim': {
      // Ranking is our judgement and stays possible on retracted and voided claims alike.
      const { type: _type, incidentId: _incidentId, ...data } = cmd;
      existingClaim(state, cmd.claimId);
      return [{ type: 'ClaimRanked', data: compact(data) }];
    }

    default:
      return unreachable(cmd);
  }
}

function existingClaim(state: IncidentState, claimId: string): ClaimState {
  return state.claims.get(claimId) ?? fail('claim-not-found', `claim '${claimId}' does not exist in this incident`, { claimId });
}

/** A claim the source can still revise or retract: neither voided by us nor retracted by the source. */
function openClaim(state: IncidentState, claimId: string): ClaimState {
  const claim = existingClaim(state, claimId);
  if (claim.status === 'voided') fail('claim-voided', `claim '${claimId}' was voided by an erratum`, { claimId });
  if (claim.status === 'retracted') fail('claim-retracted', `claim '${claimId}' was retracted by its source`, { claimId });
  return claim;
}

function invalidIf(errors: FieldProblem[], message: string): void {
  if (errors.length > 0) fail('invalid-value', message, { errors });
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A bare date covers its whole UTC day, so two statements are only known to be out of order when the
 * later one's latest possible instant precedes the earlier one's earliest: "7 Oct" may well follow
 * "7 Oct 09:00".
 */
function certainlyBefore(statedAt: string, reference: string): boolean {
  const earliest = DAY.test(reference) ? Date.parse(`${reference}T00:00:00Z`) : Date.parse(reference);
  return statedInstant(statedAt) < earliest;
}
