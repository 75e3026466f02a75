import type {
  FastifyBaseLogger, FastifyInstance, FastifyServerOptions, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { ChangeFeedOptions } from '../routes/changes.ts';
import type { AppServices } from '../services.ts';

export type ZodApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

export interface AppOptions {
  logger?: FastifyServerOptions['logger'];
  changeFeed?: ChangeFeedOptions;
}

/**
 * One concern of the app, applied to the root instance in order (not `register`ed, so that its hooks
 * cover every route rather than only those of its own encapsulation context).
 */
export type AppPart = (app: ZodApp, s: AppServices, opts: AppOptions) => Promise<void> | void;
