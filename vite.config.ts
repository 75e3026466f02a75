import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app is served by the API server at /ui/ (src/http/web-app.ts), same origin as the API.
export default defineConfig({
  root: 'src/web',
  base: '/ui/',
  plugins: [react()],
  build: { outDir: '../../dist/web', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '^/(incidents|sources|events|log|changes|health|openapi.json)': 'http://127.0.0.1:3000' } },
});
