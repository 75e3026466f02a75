/**
 * docker-compose.yml and the Dockerfile cannot be run here (no Docker engine), so their structure
 * is checked instead: the mistakes that make `docker compose up` refuse the file or start a broken
 * stack (an undefined volume, a dependency on a service that never becomes healthy, a number where
 * compose wants a string, a cluster node that gossips with the wrong peers).
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { parse } from 'yaml';
import { parseStoreUrl } from '../../src/store/kurrentdb/mapping.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const composeText = fs.readFileSync(`${root}docker-compose.yml`, 'utf8');
const dockerfile = fs.readFileSync(`${root}Dockerfile`, 'utf8');

type Dict = Record<string, unknown>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dict(v: unknown, what: string): Dict {
  if (!isDict(v)) throw new TypeError(`${what} is not a mapping`);
  return v;
}

function strings(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new TypeError(`${what} is not a list of strings`);
  return v;
}

const compose = dict(parse(composeText), 'docker-compose.yml');
const services = dict(compose.services, 'services');
const topVolumes = dict(compose.volumes ?? {}, 'volumes');
const topNetworks = dict(compose.networks ?? {}, 'networks');
const service = (name: string): Dict => dict(services[name], `service ${name}`);
const env = (name: string): Dict => dict(service(name).environment, `${name}.environment`);

const NODES = ['kurrentdb-node1', 'kurrentdb-node2', 'kurrentdb-node3'];
const CLUSTER = ['cert-gen', ...NODES, 'api-cluster'];
const KURRENTDB_IMAGE = /^docker\.kurrent\.io\/kurrent-latest\/kurrentdb:\d+\.\d+\.\d+$/;
const DURATION = /^\d+(ms|s|m|h)$/;

t.test('top level: only keys compose knows', async (t) => {
  for (const key of Object.keys(compose)) {
    t.ok(['name', 'services', 'networks', 'volumes', 'secrets', 'configs'].includes(key) || key.startsWith('x-'), `top-level key ${key}`);
  }
  t.notOk('version' in compose, 'no obsolete `version`');
  t.same(Object.keys(services).sort(), ['api', 'kurrentdb', ...CLUSTER, 'postgres', 'api-pg-1', 'api-pg-2', 'pg-lb'].sort(), 'the expected services, no more, no fewer');
});

t.test('every service: an image or a build, environment of strings, pinned images', async (t) => {
  for (const [name, raw] of Object.entries(services)) {
    const s = dict(raw, name);
    t.ok(('image' in s) !== ('build' in s), `${name}: exactly one of image and build`);
    if (typeof s.image === 'string') t.notOk(s.image.endsWith(':latest') || !s.image.includes(':'), `${name}: image ${s.image} has a pinned tag`);
    if (s.environment !== undefined) {
      // The mapping form, so that a value is never split at its first `=` by accident.
      const e = dict(s.environment, `${name}.environment`);
      for (const [k, v] of Object.entries(e)) {
        t.equal(typeof v, 'string', `${name}: ${k} is a string (compose rejects numbers and booleans)`);
        t.match(k, /^[A-Z][A-Z0-9_]*$/, `${name}: ${k} is an environment variable name`);
      }
    }
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'string' && v.includes('${')) t.match(v, /\$\{[A-Z_]+:-[^}]*\}/, `${name}.${k}: interpolation has a default`);
    }
    if (isDict(s.environment)) {
      for (const [k, v] of Object.entries(s.environment)) {
        if (typeof v !== 'string') continue;
        for (const m of v.matchAll(/\$\{([^}]*)\}/g)) t.match(m[1] ?? '', /^[A-Z_]+:-.+$/, `${name}: ${k} interpolates with a default, so no .env file is needed`);
      }
    }
    if (Array.isArray(s.ports)) for (const p of s.ports) t.match(p, /^\d+:\d+$/, `${name}: port ${String(p)} quoted host:container`);
  }
});

t.test('healthchecks are well formed, and every service_healthy dependency has one', async (t) => {
  for (const [name, raw] of Object.entries(services)) {
    const s = dict(raw, name);
    if (s.healthcheck === undefined) continue;
    const h = dict(s.healthcheck, `${name}.healthcheck`);
    const test = strings(h.test, `${name}.healthcheck.test`);
    t.ok(test[0] === 'CMD' || test[0] === 'CMD-SHELL', `${name}: healthcheck test starts with CMD or CMD-SHELL`);
    t.ok(test.length >= 2, `${name}: healthcheck has a command`);
    for (const k of ['interval', 'timeout', 'start_period']) {
      if (h[k] !== undefined) t.match(h[k], DURATION, `${name}: ${k} is a duration`);
    }
    if (h.retries !== undefined) t.ok(Number.isInteger(h.retries) && Number(h.retries) > 0, `${name}: retries is a positive integer`);
  }
  for (const name of ['kurrentdb', 'api', ...NODES, 'api-cluster']) t.ok(service(name).healthcheck, `${name} has a healthcheck`);
  t.match(strings(dict(service('api').healthcheck, 'hc').test, 'test').join(' '), /\/health\b/, 'the API is checked on /health');
  t.match(strings(dict(service('api-cluster').healthcheck, 'hc').test, 'test').join(' '), /\/health\b/);
  t.match(strings(dict(service('kurrentdb').healthcheck, 'hc').test, 'test').join(' '), /http:\/\/localhost:2113\/health\/live/, 'insecure node over http');
  for (const n of NODES) {
    t.match(strings(dict(service(n).healthcheck, 'hc').test, 'test').join(' '), /https:\/\/localhost:2113\/health\/live/, `${n}: TLS node over https`);
  }
});

t.test('depends_on: long form, known services, satisfiable conditions, no cycle, no profile leak', async (t) => {
  const deps = new Map<string, string[]>();
  for (const [name, raw] of Object.entries(services)) {
    const s = dict(raw, name);
    if (s.depends_on === undefined) {
      deps.set(name, []);
      continue;
    }
    const d = dict(s.depends_on, `${name}.depends_on`);
    deps.set(name, Object.keys(d));
    const profiled = Array.isArray(s.profiles) && s.profiles.length > 0;
    for (const [target, cond] of Object.entries(d)) {
      t.ok(target in services, `${name} depends on a defined service ${target}`);
      const condition = dict(cond, `${name}.depends_on.${target}`).condition;
      t.ok(['service_started', 'service_healthy', 'service_completed_successfully'].includes(String(condition)), `${name} → ${target}: known condition`);
      const other = services[target];
      if (condition === 'service_healthy') t.ok(isDict(other) && other.healthcheck !== undefined, `${name} waits for ${target} to be healthy, and ${target} has a healthcheck`);
      if (condition === 'service_completed_successfully') {
        t.ok(isDict(other) && other.restart === undefined, `${target} runs once: no restart policy, or it never completes`);
      }
      const targetProfiled = isDict(other) && Array.isArray(other.profiles) && other.profiles.length > 0;
      if (!profiled) t.notOk(targetProfiled, `${name} (always started) does not depend on ${target}, which only a profile starts`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const cyclic = (n: string): boolean => {
    if (done.has(n)) return false;
    if (visiting.has(n)) return true;
    visiting.add(n);
    const c = (deps.get(n) ?? []).some(cyclic);
    visiting.delete(n);
    done.add(n);
    return c;
  };
  for (const n of deps.keys()) t.notOk(cyclic(n), `no dependency cycle through ${n}`);

  t.same(dict(service('api').depends_on, 'd'), { kurrentdb: { condition: 'service_healthy' } }, 'the API starts once KurrentDB is healthy');
  const apiCluster = dict(service('api-cluster').depends_on, 'd');
  for (const n of NODES) t.same(apiCluster[n], { condition: 'service_healthy' }, `api-cluster waits for ${n}`);
  for (const n of NODES) t.same(dict(service(n).depends_on, 'd'), { 'cert-gen': { condition: 'service_completed_successfully' } }, `${n} starts after its certificate exists`);
  t.equal(service('cert-gen').depends_on, undefined, 'cert-gen needs nothing before it');
});

t.test('volumes and networks: every one referenced is defined, every one defined is used', async (t) => {
  const usedVolumes = new Set<string>();
  const usedNetworks = new Set<string>();
  for (const [name, raw] of Object.entries(services)) {
    const s = dict(raw, name);
    for (const v of s.volumes === undefined ? [] : strings(s.volumes, `${name}.volumes`)) {
      const parts = v.split(':');
      t.ok(parts.length === 2 || (parts.length === 3 && ['ro', 'rw'].includes(parts[2] ?? '')), `${name}: volume ${v} is source:target[:ro|rw]`);
      const [source = '', target = ''] = parts;
      t.ok(target.startsWith('/'), `${name}: ${v} mounts at an absolute path`);
      t.notOk(source.startsWith('/'), `${name}: ${v} is not a machine-specific host path`);
      if (!source.startsWith('.')) {
        t.ok(source in topVolumes, `${name}: volume ${source} is defined at the top level`);
        usedVolumes.add(source);
      }
    }
    if (s.network_mode !== undefined) {
      t.equal(s.networks, undefined, `${name}: network_mode and networks exclude each other`);
      continue;
    }
    const nets = s.networks === undefined ? ['default'] : Array.isArray(s.networks) ? strings(s.networks, 'n') : Object.keys(dict(s.networks, 'n'));
    for (const n of nets) {
      if (n === 'default') continue;
      t.ok(n in topNetworks, `${name}: network ${n} is defined at the top level`);
      usedNetworks.add(n);
    }
  }
  for (const v of Object.keys(topVolumes)) t.ok(usedVolumes.has(v), `volume ${v} is used`);
  for (const n of Object.keys(topNetworks)) t.ok(usedNetworks.has(n), `network ${n} is used`);

  t.ok(strings(service('kurrentdb').volumes, 'v').some((v) => v.endsWith(':/var/lib/kurrentdb')), 'the single node keeps its data in a named volume');
  t.ok(strings(service('api').volumes, 'v').some((v) => v.endsWith(':/data')), 'the API data directory (log key, admin token) is a volume');
  for (const n of NODES) t.ok(strings(service(n).volumes, 'v').some((v) => v.endsWith(':/var/lib/kurrentdb')), `${n}: own data volume`);
  const nodeData = NODES.map((n) => strings(service(n).volumes, 'v').find((v) => v.endsWith(':/var/lib/kurrentdb')));
  t.equal(new Set(nodeData).size, 3, 'no two nodes share a data volume');
});

t.test('single node: insecure development KurrentDB, and the API pointed at it', async (t) => {
  const k = service('kurrentdb');
  t.match(k.image, KURRENTDB_IMAGE);
  t.equal(k.profiles, undefined, 'started without a profile');
  t.same(env('kurrentdb'), {
    ...env('kurrentdb'),
    KURRENTDB_CLUSTER_SIZE: '1',
    KURRENTDB_RUN_PROJECTIONS: 'None',
    KURRENTDB_INSECURE: 'true',
    KURRENTDB_ENABLE_ATOM_PUB_OVER_HTTP: 'true',
  });
  const api = service('api');
  t.equal(api.build, '.', 'built from this repository Dockerfile');
  t.equal(api.profiles, undefined);
  const e = env('api');
  t.equal(e.PALIMPSEST_STORE, 'kurrentdb');
  t.equal(e.KURRENTDB_URL, 'kurrentdb://kurrentdb:2113?tls=false', 'the service name, not localhost');
  t.equal(e.HOST, '0.0.0.0', 'reachable from outside the container');
  t.same(api.ports, ['3000:3000']);
  t.same(parseStoreUrl(String(e.KURRENTDB_URL)).prefixes, ['incident-', 'source-'], 'the production streams only');
});

t.test('cluster profile: three TLS nodes that gossip with each other, certificates, an API on all three', async (t) => {
  for (const name of CLUSTER) t.same(service(name).profiles, ['cluster'], `${name} only runs with --profile cluster`);

  const cluster = dict(topNetworks['kurrentdb-cluster'], 'network');
  const ipamConfig = dict(cluster.ipam, 'ipam').config;
  const subnet = String(dict(Array.isArray(ipamConfig) ? ipamConfig[0] : undefined, 'ipam.config[0]').subnet);
  t.match(subnet, /^\d+\.\d+\.\d+\.0\/24$/);
  const prefix = subnet.replace(/0\/24$/, '');

  const ipOf = new Map<string, string>();
  for (const n of NODES) {
    const s = service(n);
    t.match(s.image, KURRENTDB_IMAGE);
    t.equal(s.image, service('kurrentdb').image, `${n}: the same server version as the single node`);
    const ip = String(dict(dict(s.networks, 'networks')['kurrentdb-cluster'], 'net').ipv4_address);
    t.ok(ip.startsWith(prefix), `${n}: ${ip} is inside ${subnet}`);
    ipOf.set(n, ip);
  }
  t.equal(new Set(ipOf.values()).size, 3, 'three distinct addresses');

  const certGen = String(service('cert-gen').command);
  t.match(certGen, /create-ca/);
  NODES.forEach((n, i) => {
    const e = env(n);
    const dir = `node${i + 1}`;
    t.equal(e.KURRENTDB_CLUSTER_SIZE, '3');
    t.equal(e.KURRENTDB_RUN_PROJECTIONS, 'None');
    t.equal(e.KURRENTDB_INSECURE, undefined, `${n}: TLS on`);
    t.equal(e.KURRENTDB_REPLICATION_IP, ipOf.get(n), `${n}: replicates on its own address`);
    const seeds = String(e.KURRENTDB_GOSSIP_SEED).split(',').sort();
    t.same(seeds, NODES.filter((o) => o !== n).map((o) => `${ipOf.get(o) ?? ''}:2113`).sort(), `${n}: gossips with the two others`);
    t.equal(e.KURRENTDB_CERTIFICATE_FILE, `/etc/kurrentdb/certs/${dir}/node.crt`, `${n}: its own certificate`);
    t.equal(e.KURRENTDB_CERTIFICATE_PRIVATE_KEY_FILE, `/etc/kurrentdb/certs/${dir}/node.key`);
    t.equal(e.KURRENTDB_TRUSTED_ROOT_CERTIFICATES_PATH, '/etc/kurrentdb/certs/ca');
    t.equal(e.KURRENTDB_ADVERTISE_HOST_TO_CLIENT_AS, n, `${n}: advertises the name in its certificate`);
    t.match(certGen, new RegExp(`create-node -out \\./${dir} -ip-addresses [^ ]*${(ipOf.get(n) ?? 'x').replace(/\./g, '\\.')}[^ ]* -dns-names [^ ]*\\b${n}\\b`), `cert-gen makes ${dir}'s certificate for its address and name`);
    t.ok(strings(service(n).volumes, 'v').includes('kurrentdb-certs:/etc/kurrentdb/certs:ro'), `${n}: mounts the certificates read-only`);
  });

  const url = String(env('api-cluster').KURRENTDB_URL);
  const { clientUrl } = parseStoreUrl(url);
  const m = /^kurrentdb:\/\/([^@/]+@)?([^?/]+)\?(.*)$/.exec(clientUrl);
  t.ok(m, 'api-cluster: a kurrentdb:// connection string');
  const hosts = (m?.[2] ?? '').split(',');
  t.same(hosts.sort(), NODES.map((n) => `${n}:2113`).sort(), 'all three members as seeds');
  const params = new URLSearchParams(m?.[3] ?? '');
  t.equal(params.get('tls'), 'true');
  const ca = params.get('tlsCAFile') ?? '';
  const certMount = strings(service('api-cluster').volumes, 'v').find((v) => v.startsWith('kurrentdb-certs:'));
  t.ok(certMount, 'api-cluster mounts the certificates');
  const mountPath = certMount?.split(':')[1] ?? '/nowhere';
  t.ok(ca.startsWith(`${mountPath}/`) && ca.endsWith('/ca.crt'), `the CA file ${ca} is inside the mounted ${mountPath}`);
  t.same(service('api-cluster').networks, ['kurrentdb-cluster'], 'on the network where the advertised names resolve');
  t.equal(env('api-cluster').PALIMPSEST_STORE, 'kurrentdb');
});

t.test('Dockerfile: node 20 slim, npm ci, unprivileged, /data volume, serve', async (t) => {
  const lines = dockerfile.split('\n').map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  const froms = lines.filter((l) => l.startsWith('FROM '));
  t.ok(froms.length > 0 && froms.every((l) => /^FROM node:20-slim\b/.test(l)), 'every stage is node:20-slim');
  t.ok(lines.some((l) => /\bnpm ci\b/.test(l)), 'installs from the lockfile');
  t.match(dockerfile, /HOST=0\.0\.0\.0/);
  t.match(dockerfile, /PALIMPSEST_DATA_DIR=\/data/);
  t.ok(lines.some((l) => /^VOLUME \["\/data"\]$/.test(l)), 'a volume for /data');
  const user = lines.filter((l) => l.startsWith('USER ')).pop();
  t.ok(user !== undefined && !/^USER (root|0)\b/.test(user), 'runs as a non-root user');
  const cmd = lines.filter((l) => l.startsWith('CMD ')).pop();
  t.same(cmd === undefined ? undefined : JSON.parse(cmd.slice(4)), ['node', 'bin/palimpsest.js', 'serve']);
  for (const copied of lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from'))) {
    for (const src of copied.split(/\s+/).slice(1, -1)) t.ok(fs.existsSync(`${root}${src}`), `COPY source ${src} exists`);
  }
  const ignore = fs.readFileSync(`${root}.dockerignore`, 'utf8').split('\n').map((l) => l.trim());
  for (const p of ['node_modules', '.git', 'data']) t.ok(ignore.includes(p), `.dockerignore leaves out ${p}`);
  for (const needed of ['bin', 'src', 'projections', 'package.json', 'package-lock.json']) t.notOk(ignore.includes(needed), `.dockerignore keeps ${needed}`);
});
