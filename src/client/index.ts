/** The typed client of the REST API, generated from the server's OpenAPI document (src/client/schema.ts). */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './schema.ts';

export type { paths, components } from './schema.ts';
export type PalimpsestClient = Client<paths>;

/** `getKey` is read on every request, so signing in or out takes effect at once. */
export function createPalimpsestClient(baseUrl: string, getKey: () => string | null): PalimpsestClient {
  const client = createClient<paths>({ baseUrl });
  const auth: Middleware = {
    onRequest({ request }) {
      const key = getKey();
      if (key && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${key}`);
      return request;
    },
  };
  client.use(auth);
  return client;
}
