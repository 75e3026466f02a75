import type { KeyRing } from '../auth/keys.ts';
import type { LiveModels } from '../app/live-models.ts';
import type { Reads } from '../app/reads.ts';
import type { RedactionService } from '../app/redaction.ts';
import type { WriteService } from '../app/write-service.ts';
import type { Integrity } from '../app/integrity.ts';
import type { Config } from '../config.ts';
import type { CheckpointArchive } from '../log/checkpoint-archive.ts';
import type { SigningKey } from '../log/keys.ts';
import type { EventStore } from '../store/port.ts';

/** What the routes use: built once by the runtime, handed to each resource plugin. */
export interface AppServices {
  config: Config;
  store: EventStore;
  live: LiveModels;
  writer: WriteService;
  redactions: RedactionService;
  reads: Reads;
  keys: KeyRing;
  signingKey: SigningKey;
  /** Every checkpoint this server signs is kept here (served by GET /log/checkpoints). */
  archive: CheckpointArchive;
  /** The store's self-check: verifying, ok, or tampered (read by /health and the integrity gate). */
  integrity: Integrity;
}
