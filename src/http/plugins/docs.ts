import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { documentTransform } from '../schemas/openapi.ts';
import type { AppPart } from './types.ts';

/** The OpenAPI 3.1 document, built from the routes' own schemas, at /openapi.json and as Swagger UI at /docs. */
export const apiDocs: AppPart = async (app, s) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Palimpsest',
        version: '0.1.0',
        description:
          'What the news says about violent incidents, and how that changes: claims, revisions, retractions, errata and rankings as immutable events, served as a current view with its provenance and a verifiable log.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key: pal_<key id>_<secret>' } } },
      security: [{ bearer: [] }],
      tags: [
        { name: 'incidents' }, { name: 'claims' }, { name: 'sources' }, { name: 'log' }, { name: 'changes' }, { name: 'operations' },
      ],
    },
    transform: documentTransform(s.config.publicRead),
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};
