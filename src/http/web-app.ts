/**
 * Serves the web app's build (dist/web, written by `npm run build:web`, which `npm install` runs) at
 * /ui/, with every other /ui/ path answered by its index.html so the app's own router takes over.
 * `/` redirects there. Without a build the server still starts, and /ui/ says how to make one.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist/web');

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Palimpsest: web app not built</title></head>
<body><main><h1>The web app is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm install</code>, which runs it), then reload.
The API is running: see <a href="/docs">/docs</a>.</p></main></body></html>`;

export function webAppRoutes(root: string = WEB_ROOT): FastifyPluginAsync {
  return async (app) => {
    app.get('/', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
    app.get('/ui', { schema: { hide: true } }, async (_req, reply) => reply.redirect('/ui/'));
    const index = path.join(root, 'index.html');
    if (!fs.existsSync(index)) {
      const notBuilt = async (_req: unknown, reply: FastifyReply) => reply.code(503).type('text/html; charset=utf-8').header('Cache-Control', 'no-store').send(NOT_BUILT);
      app.get('/ui/', { schema: { hide: true } }, notBuilt);
      app.get('/ui/*', { schema: { hide: true } }, notBuilt);
      return;
    }
    // Only sendFile: files are looked up per request, so a rebuild while the server runs is served at once.
    await app.register(fastifyStatic, { root, serve: false });
    const page = async (req: FastifyRequest, reply: FastifyReply) => {
      const rel = (req.params as { '*'?: string })['*'] ?? '';
      const file = path.resolve(root, rel);
      const inside = rel === '' || file.startsWith(root + path.sep);
      if (rel !== '' && inside && fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
        // Vite names assets by their content hash: they never change under the same name.
        const immutable = rel.startsWith('assets/');
        return reply.header('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache').sendFile(path.relative(root, file), root);
      }
      if (rel.startsWith('assets/') || !inside) return reply.code(404).type('text/plain; charset=utf-8').send('no such file');
      // The app's own routes (/ui/incidents/…, /ui/audit): its index.html, never cached, so a new build is picked up.
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html', root);
    };
    app.get('/ui/', { schema: { hide: true } }, page);
    app.get('/ui/*', { schema: { hide: true } }, page);
  };
}
