/**
 * How an answer shows what a redaction erased (docs/log.md, "Leaf format v2 and redaction"): the erased string
 * reads as null, and the object that held it lists it in `redacted`. The answer schemas admit these
 * forms wherever a string that may be erased is served.
 */
import { z } from 'zod';
import { ClaimValue } from '../../domain/predicates.ts';
import { Citation, Location } from '../../domain/values.ts';

export const RedactedPaths = z
  .array(z.string())
  .describe('JSON Pointers into the event’s data whose string values a redaction erased; they read as null here')
  .meta({ id: 'RedactedPaths' });

/** A string field a redaction may have erased: null then. */
export const erasable = <T extends z.ZodType>(s: T) => s.nullable();

const c = Citation.shape;
export const ServedCitation = z
  .strictObject({
    url: erasable(c.url.unwrap()).optional(),
    title: erasable(c.title.unwrap()).optional(),
    publisher: erasable(c.publisher.unwrap()).optional(),
    publishedAt: c.publishedAt,
    quote: erasable(c.quote.unwrap()).optional(),
    archiveUrl: erasable(c.archiveUrl.unwrap()).optional(),
    retrievedAt: c.retrievedAt,
    redacted: RedactedPaths.optional(),
  })
  .meta({ id: 'Citation' });

/** A claim's value: as recorded, null (an erased text), or an object that lists what was erased from it. */
export const ServedClaimValue = z.union([ClaimValue, z.null(), z.looseObject({ redacted: RedactedPaths })]);

export const ServedLocation = z.union([Location, z.looseObject({ name: z.null(), redacted: RedactedPaths })]);
