/**
 * The demo dataset: the REST calls a fact-checker would send, in order, to record what sources said
 * about five attacks on Chinese nationals and CPEC sites in Pakistan (2021–2024). The server replays
 * them through its real HTTP routes into an empty store (`npm start`, `npm run seed`).
 *
 * Every id is fixed so that documentation examples stay stable. Order: sources first, then each
 * incident with its claims, then the sources' own revisions, our rankings and our errata.
 *
 * Showcases:
 * - revision: the Sindh home minister's 7 Oct figures, updated by the minister on 11 Nov
 *   (`c-airport-deaths-sindh-hm`, `c-airport-injuries-sindh-hm`);
 * - deprecation: the oil-tanker cause (`c-airport-cause-govt`), Geo News's early injured count
 *   (`c-airport-injuries-geo`), ARY's foreign death toll (`c-airport-foreign-deaths-ary`), the
 *   gas-cylinder cause (`c-ku-cause-dawn-initial`);
 * - erratum: the Adnkronos report credited to the wrong minister (`c-airport-arrests-adnkronos`);
 * - disputed: injuries and attack time at the University of Karachi;
 * - corroborated: deaths, injuries and the bomber's name at Karachi airport.
 */
import { KARACHI_AIRPORT, AIRPORT } from './karachi-airport.ts';
import { BESHAM, DASU, FT_INCIDENTS, GWADAR, KARACHI_UNIVERSITY, KU } from './other-incidents.ts';
import type { DemoRequest } from './request.ts';
import { SOURCES } from './sources.ts';

export type { DemoRequest } from './request.ts';

/** The whole demo dataset, in the order the server replays it. */
export const demoRequests: DemoRequest[] = [...SOURCES, ...KARACHI_AIRPORT, ...KARACHI_UNIVERSITY, ...FT_INCIDENTS];

/** The incidents the dataset registers, in order. */
export const demoIncidentIds: readonly string[] = [AIRPORT, KU, DASU, BESHAM, GWADAR];
