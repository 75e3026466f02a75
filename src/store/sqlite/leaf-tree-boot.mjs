// The leaf-tree thread's entry: a worker thread does not inherit a loader registered through the
// API (bin/palimpsest.js registers tsx that way), so it registers its own before the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./leaf-tree-thread.ts');
