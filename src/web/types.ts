/**
 * The app's view of the API's answers. The OpenAPI document still describes most GET answers as
 * plain objects, so these are written here once, in one file, to be replaced by the generated
 * `components['schemas']` types as the document gains them.
 */
export type Count =
  | { kind: 'exact'; value: number }
  | { kind: 'atLeast'; value: number }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'unknown' }
  | { kind: 'none' };

export type Status = 'preferred' | 'corroborated' | 'reported' | 'disputed' | 'withdrawn';
export type Rank = 'preferred' | 'normal' | 'deprecated';

export interface Citation {
  url?: string;
  title?: string;
  publisher?: string;
  publishedAt?: string;
  quote?: string;
  archiveUrl?: string;
  retrievedAt?: string;
}

export interface TimeValue {
  start: string;
  end?: string;
  precision: string;
  approximate?: boolean;
}

export interface Place {
  name: string;
  region?: string;
  country: string;
  lat?: number;
  lon?: number;
}

export interface ClaimView {
  claimId: string;
  predicate: string;
  qualifiers?: Record<string, string>;
  sourceId: string;
  value: unknown;
  statedAt: string;
  status: 'active' | 'retracted' | 'voided';
  rank: Rank;
  revisionCount: number;
  correctionCount?: number;
  citation?: Citation;
  mode?: string;
  note?: string;
  recordedAt?: string;
}

export interface FactView {
  status: Status;
  value?: unknown;
  range?: { min: number; max: number; maxOpen?: boolean };
  conservative?: number;
  agreement?: { status: Status; range?: { min: number; max: number; maxOpen?: boolean }; conservative?: number };
  claims?: ClaimView[];
  actors?: { actor: string; stances: string[]; status: Status; claims: string[] }[];
  names?: { name: string; roles: string[]; status: Status; claims: string[] }[];
  claimed?: boolean;
  competingClaims?: boolean;
  denied?: string[];
}

export interface IncidentFields {
  incidentId: string;
  title: string;
  summary?: string;
  occurredAt: TimeValue;
  location: Place;
  category: string;
  tags: string[];
}

export interface IncidentView extends IncidentFields {
  facts: Record<string, FactView>;
  revision: number;
  updatedAt: string;
}

export interface TimelineItem extends IncidentFields {
  headline: { deaths: FactView | null; injuries: FactView | null; responsibility: FactView | null };
}

export interface Timeline {
  items: TimelineItem[];
  nextCursor: string | null;
}

export interface HistoryEntry {
  revision: number;
  index: number;
  recordedAt: string;
  actor: string;
  type: string;
  claimId?: string;
  fact?: string;
  sourceId?: string;
  statedAt?: string;
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
  reason?: string;
  note?: string;
  citation?: Citation;
}

export interface SourceView {
  sourceId: string;
  name: string;
  kind: string;
  url?: string;
  country?: string;
  description?: string;
  counts: { claims: number; revisions: number; retractions: number; errata: number; deprecated: number };
  revision: number;
  updatedAt: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail?: string;
  code?: string;
  errors?: { in: string; path: string; message: string }[];
  currentRevision?: number | null;
}

export interface Change {
  index: number;
  type: string;
  recordedAt: string;
  actor: string;
  stream: string;
  incidentId?: string;
  sourceId?: string;
  claimId?: string;
  revision: number;
}
