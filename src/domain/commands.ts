import type {
  ClaimCorrectedData, ClaimRankedData, ClaimRecordedData, ClaimRetractedData, ClaimRevisedData,
  IncidentAmendedData, IncidentRegisteredData, SourceAmendedData, SourceRegisteredData,
} from './events.ts';

/*
 * A command is the event data it asks for, plus its type and the stream it targets: the shapes are
 * derived from the event schemas so that a field is declared once. Ids are generated before a command
 * reaches `decide`, which stays pure.
 */

export interface RegisterIncident extends IncidentRegisteredData { type: 'RegisterIncident' }
export interface AmendIncident extends IncidentAmendedData { type: 'AmendIncident'; incidentId: string }
export interface RecordClaim extends ClaimRecordedData { type: 'RecordClaim'; incidentId: string }
export interface ReviseClaim extends ClaimRevisedData { type: 'ReviseClaim'; incidentId: string }
export interface RetractClaim extends ClaimRetractedData { type: 'RetractClaim'; incidentId: string }
export interface CorrectClaim extends ClaimCorrectedData { type: 'CorrectClaim'; incidentId: string }
export interface RankClaim extends ClaimRankedData { type: 'RankClaim'; incidentId: string }

export type IncidentCommand =
  | RegisterIncident | AmendIncident | RecordClaim | ReviseClaim | RetractClaim | CorrectClaim | RankClaim;

export interface RegisterSource extends SourceRegisteredData { type: 'RegisterSource' }
export interface AmendSource extends SourceAmendedData { type: 'AmendSource'; sourceId: string }

export type SourceCommand = RegisterSource | AmendSource;

/**
 * A copy without `undefined` members, recursively: event data omits absent optional fields, and a
 * command built in code (not parsed by zod) may carry `{ summary: undefined }`.
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => compact(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
  return out as T;
}
