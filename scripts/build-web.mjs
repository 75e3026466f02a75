#!/usr/bin/env node
// `npm install` runs this (the `prepare` script): it builds the web app into dist/web with Vite.
// An install without dev dependencies (a production image) or without the app's sources skips the
// build with one line instead of failing the install; the server then says at /ui/ that it is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
let vite;
try {
  vite = path.join(path.dirname(require.resolve('vite/package.json')), 'bin/vite.js');
} catch {
  vite = undefined;
}
if (!fs.existsSync(path.join(root, 'src/web/index.html'))) {
  console.log('web app: no sources in src/web, build skipped');
} else if (vite === undefined) {
  console.log('web app: vite is not installed (dev dependencies omitted), build skipped');
} else {
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
