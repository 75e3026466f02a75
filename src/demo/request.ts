/** A demo request and the typed builders the dataset is written with. */
import type {
  ClaimCorrectedData, ClaimRankedData, ClaimRecordedData, ClaimRevisedData, IncidentRegisteredData, SourceRegisteredData,
} from '../domain/events.ts';

export interface DemoRequest {
  method: 'POST' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Builders: typed against the event data schemas, so the compiler checks the bodies too.

export const source = (body: SourceRegisteredData): DemoRequest => ({
  method: 'POST', path: '/sources', body, note: `Register source ${body.sourceId} (${body.name})`,
});

export const incident = (body: IncidentRegisteredData): DemoRequest => ({
  method: 'POST', path: '/incidents', body, note: `Register incident ${body.incidentId}`,
});

export const claim = (incidentId: string, body: ClaimRecordedData): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims`, body,
  note: `Record ${body.predicate} claim ${body.claimId} by ${body.sourceId}`,
});

export const revise = (incidentId: string, claimId: string, body: Omit<ClaimRevisedData, 'claimId'>): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims/${claimId}/revisions`, body,
  note: `The source revises its own statement ${claimId}`,
});

export const rank = (incidentId: string, claimId: string, body: Omit<ClaimRankedData, 'claimId'>): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims/${claimId}/rank`, body,
  note: `Rank ${claimId} ${body.rank} (${body.reason})`,
});

export const correct = (incidentId: string, claimId: string, body: Omit<ClaimCorrectedData, 'claimId'>): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims/${claimId}/corrections`, body,
  note: `Erratum on ${claimId} (${body.reason})`,
});
