import { correlationId } from '../write.ts';
import type { AppPart } from './types.ts';

/** Every answer echoes X-Correlation-Id (the client's, else the request id). */
export const correlationHeader: AppPart = (app) => {
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Correlation-Id', correlationId(req));
    done();
  });
};

/**
 * On close, answers to the requests still in flight end their connection: a keep-alive socket left
 * idle after close() began is not closed by the server and would hold shutdown for its keep-alive timeout.
 */
export const closeConnectionsOnShutdown: AppPart = (app) => {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onSend', (_req, reply, payload, done) => {
    if (closing) reply.header('Connection', 'close');
    done(null, payload);
  });
};
