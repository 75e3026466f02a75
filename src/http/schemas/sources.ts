/** Answers of the source routes. */
import { z } from 'zod';
import { SourceFields } from '../../domain/events.ts';
import { Slug } from '../../domain/values.ts';
import * as ex from './examples.ts';
import { erasable, RedactedPaths } from './redacted.ts';

const Int = z.number().int().min(0);

export const SourceView = SourceFields.extend({
  sourceId: Slug,
  name: erasable(SourceFields.shape.name),
  url: erasable(SourceFields.shape.url.unwrap()).optional(),
  description: erasable(SourceFields.shape.description.unwrap()).optional(),
  redacted: RedactedPaths.optional(),
  counts: z
    .object({ claims: Int, revisions: Int, retractions: Int, errata: Int, deprecated: Int })
    .describe('Over the claims now attributed to the source'),
  revision: Int,
  updatedAt: z.string(),
}).meta({ id: 'SourceView', examples: ex.sources.items });

export const SourcesPage = z
  .object({ items: z.array(SourceView), nextCursor: z.string().nullable().describe('Opaque; null on the last page') })
  .meta({ id: 'SourcesPage', examples: [ex.sources] });
