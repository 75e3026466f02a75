/**
 * Emmett's figures in a child process: its sqlite3 connection handling can throw outside any
 * promise (SQLITE_BUSY "cannot commit transaction - SQL statements in progress" seen here), which
 * would take the whole benchmark run down. Prints one JSON line.
 *
 *   npx tsx scripts/bench/peer/peer-child.ts <dir> <append|read> <ms> [stream length]
 */
import { emmettAppendRate, emmettReadRates } from './emmett.ts';

const [dir, what, ms, len] = process.argv.slice(2);
const result = what === 'append'
  ? { append: await emmettAppendRate(dir!, Number(ms)) }
  : await emmettReadRates(dir!, Number(len), Number(ms));
console.log(JSON.stringify(result));
