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
import type {
  ClaimCorrectedData, ClaimRankedData, ClaimRecordedData, ClaimRevisedData, IncidentRegisteredData, SourceRegisteredData,
} from '../src/domain/events.ts';
import type { Citation } from '../src/domain/values.ts';

export interface DemoRequest {
  method: 'POST' | 'PATCH';
  path: string;
  body: Record<string, unknown>;
  note?: string;
}

// ---------------------------------------------------------------------------------------------
// Builders: typed against the event data schemas, so the compiler checks the bodies too.

const source = (body: SourceRegisteredData): DemoRequest => ({
  method: 'POST', path: '/sources', body, note: `Register source ${body.sourceId} (${body.name})`,
});

const incident = (body: IncidentRegisteredData): DemoRequest => ({
  method: 'POST', path: '/incidents', body, note: `Register incident ${body.incidentId}`,
});

const claim = (incidentId: string, body: ClaimRecordedData): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims`, body,
  note: `Record ${body.predicate} claim ${body.claimId} by ${body.sourceId}`,
});

const revise = (incidentId: string, claimId: string, body: Omit<ClaimRevisedData, 'claimId'>): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims/${claimId}/revisions`, body,
  note: `The source revises its own statement ${claimId}`,
});

const rank = (incidentId: string, claimId: string, body: Omit<ClaimRankedData, 'claimId'>): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims/${claimId}/rank`, body,
  note: `Rank ${claimId} ${body.rank} (${body.reason})`,
});

const correct = (incidentId: string, claimId: string, body: Omit<ClaimCorrectedData, 'claimId'>): DemoRequest => ({
  method: 'POST', path: `/incidents/${incidentId}/claims/${claimId}/corrections`, body,
  note: `Erratum on ${claimId} (${body.reason})`,
});

// ---------------------------------------------------------------------------------------------
// Citations used more than once.

const AP_AIRPORT: Citation = {
  url: 'https://www.ajc.com/news/nation-world/a-pakistani-separatist-group-claims-bombing-that-killed-2-chinese-near-karachi-airport/MNYRG2OP3BFPHDLGAQVE66M43U/',
  publisher: 'Associated Press (via The Atlanta Journal-Constitution)',
  publishedAt: '2024-10-07',
};
const DEVDISCOURSE_BLAST: Citation = {
  url: 'https://www.devdiscourse.com/article/law-order/3112807-deadly-blast-near-karachi-airport-blas-ongoing-campaign',
  publisher: 'Devdiscourse',
  publishedAt: '2024-10-07',
};
const NEWS_AZ_AIRPORT: Citation = {
  url: 'https://news.az/news/explosion-near-pakistan-s-karachi-airport-leaves-two-chinese-nationals-dead-video',
  publisher: 'News.az',
  publishedAt: '2024-10-07',
};
const DNA_ARRESTS: Citation = {
  url: 'https://dnanews.com.pk/karachi-airport-attack-mastermind-woman-facilitator-among-others-arrested/',
  publisher: 'DNA News',
  publishedAt: '2024-11-11',
};
const THE_NEWS_AIRPORT: Citation = {
  url: 'https://thenews.com.pk/print/1237924-two-chinese-dead-in-suicide-attack-near-karachi-airport',
  publisher: 'The News International',
  publishedAt: '2024-10-08',
};
const DEVDISCOURSE_BOMBER: Citation = {
  url: 'https://www.devdiscourse.com/article/international/3114097-karachi-suicide-bomber-identified-in-airport-blast-probe',
  publisher: 'Devdiscourse',
};
const JAPAN_TIMES_CLAIM: Citation = {
  url: 'https://www.japantimes.co.jp/news/2024/10/07/asia-pacific/crime-legal/chinese-embassy-terrorist-attack-pakistan/',
  publisher: 'The Japan Times',
  publishedAt: '2024-10-07',
};
const ADNKRONOS_ARRESTS: Citation = {
  url: 'https://www.adnkronos.com/rassegna-stampa/inglese/pakistan-karachi-airport-attack-master-arrested_7hr1ajltAzDXCSZNrG9F1u',
  publisher: 'Adnkronos',
  publishedAt: '2024-11-12',
  quote: 'Interior Minister Sarfraz Bugti',
};
const DAWN_KU_INITIAL: Citation = {
  url: 'https://dawn.com/news/1687041',
  publisher: 'Dawn',
};
const DAWN_KU_ATTACK: Citation = {
  url: 'https://www.dawn.com/news/1686920/3-chinese-nationals-among-4-dead-in-suicide-attack-at-karachi-university',
  publisher: 'Dawn',
  publishedAt: '2022-04-26',
};

/** The FT report is undated in our copy: its claims carry a stand-in date and say so. */
const FT_DATE = '2024-10-14';
const FT_NOTE = 'From a Financial Times report of October 2024 on attacks against Chinese nationals in Pakistan. '
  + 'The report is undated in our copy, so 14 October 2024 stands in as the statement date.';

// ---------------------------------------------------------------------------------------------
// Sources

const SOURCES: DemoRequest[] = [
  source({
    sourceId: 'pk-government', name: 'Pakistani authorities', kind: 'government', country: 'PK',
    description: 'Officials quoted without a name or office in the first reports of an incident, before investigators settle what happened.',
  }),
  source({
    sourceId: 'karachi-police', name: 'Karachi Police', kind: 'security-forces', country: 'PK',
    description: 'The city police of Karachi, Sindh, including its investigators and bomb disposal teams.',
  }),
  source({ sourceId: 'geo-news', name: 'Geo News', kind: 'news-outlet', country: 'PK', url: 'https://www.geo.tv', description: 'Pakistani television news channel.' }),
  source({
    sourceId: 'sindh-home-minister', name: 'Sindh Home Minister Zia Lanjar', kind: 'government', country: 'PK',
    description: 'The provincial minister responsible for policing and internal security in Sindh.',
  }),
  source({
    sourceId: 'chinese-embassy-islamabad', name: 'Embassy of China in Islamabad', kind: 'government', country: 'CN',
    description: "The People's Republic of China's diplomatic mission to Pakistan.",
  }),
  source({
    sourceId: 'the-news', name: 'The News International', kind: 'news-outlet', country: 'PK', url: 'https://www.thenews.com.pk',
    description: 'English-language Pakistani daily newspaper.',
  }),
  source({ sourceId: 'ary-news', name: 'ARY News', kind: 'news-outlet', country: 'PK', url: 'https://arynews.tv', description: 'Pakistani television news channel.' }),
  source({
    sourceId: 'pk-foreign-ministry', name: 'Ministry of Foreign Affairs of Pakistan', kind: 'government', country: 'PK',
    url: 'https://mofa.gov.pk', description: "Pakistan's foreign office, which speaks for the federal government on attacks involving foreign nationals.",
  }),
  source({
    sourceId: 'bla', name: 'Balochistan Liberation Army', kind: 'armed-group', country: 'PK',
    description: 'Separatist armed group active in Balochistan and Karachi; it announces attacks by email and spokesman statements, often in the name of its Majeed Brigade.',
  }),
  source({
    sourceId: 'pk-interior-minister', name: 'Federal Interior Minister of Pakistan', kind: 'government', country: 'PK',
    description: "The federal minister in charge of Pakistan's interior ministry.",
  }),
  source({ sourceId: 'dawn', name: 'Dawn', kind: 'news-outlet', country: 'PK', url: 'https://www.dawn.com', description: 'English-language Pakistani daily newspaper.' }),
  source({
    sourceId: 'ctd-sindh', name: 'Counter-Terrorism Department, Sindh Police', kind: 'security-forces', country: 'PK',
    description: 'The Sindh police unit that investigates terrorist attacks in the province.',
  }),
  source({
    sourceId: 'sindh-police-chief', name: 'Inspector General of Sindh Police', kind: 'security-forces', country: 'PK',
    description: "The head of the provincial police force of Sindh.",
  }),
  source({
    sourceId: 'outlook-india', name: 'Outlook India', kind: 'news-outlet', country: 'IN', url: 'https://www.outlookindia.com',
    description: 'Indian news magazine and website.',
  }),
  source({
    sourceId: 'sindh-chief-minister', name: 'Office of the Chief Minister of Sindh', kind: 'government', country: 'PK',
    description: "The provincial head of government's office, which issues handouts after major incidents.",
  }),
  source({
    sourceId: 'financial-times', name: 'Financial Times', kind: 'news-outlet', country: 'GB', url: 'https://www.ft.com',
    description: 'British business daily newspaper.',
  }),
];

// ---------------------------------------------------------------------------------------------
// Incident 1 — Karachi airport convoy bombing, 6 October 2024

const AIRPORT = 'karachi-airport-2024';

const KARACHI_AIRPORT: DemoRequest[] = [
  incident({
    incidentId: AIRPORT,
    title: 'Suicide car bombing of a convoy near Jinnah International Airport, Karachi',
    summary:
      'Late on a Sunday night an explosives-laden vehicle struck a convoy taking staff of the Port Qasim Electric Power Company '
      + 'away from Jinnah International Airport; two Chinese engineers were among the dead. Early official accounts pointed to an '
      + 'oil tanker, but police soon established a suicide car bombing, which the Balochistan Liberation Army claimed. The attack '
      + 'came amid rising violence against Chinese workers in Pakistan, which hosts some $60bn of investment under the '
      + 'China–Pakistan Economic Corridor; Beijing asked Islamabad to punish those responsible and to honour its security commitments.',
    occurredAt: { start: '2024-10-06T23:00:00+05:00', precision: 'hour', approximate: true },
    location: { name: 'Near Jinnah International Airport, Karachi', region: 'Sindh', country: 'PK', lat: 24.9065, lon: 67.1608 },
    category: 'suicide-bombing',
    tags: ['cpec', 'chinese-nationals'],
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-cause-govt', predicate: 'cause', value: 'oil tanker explosion',
    sourceId: 'pk-government', statedAt: '2024-10-07', citation: AP_AIRPORT, mode: 'statement',
    note: 'First official explanation, given overnight while the scene was still burning: the blast might have come from an oil tanker.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-cause-police', predicate: 'cause', value: 'suicide bombing',
    sourceId: 'karachi-police', statedAt: '2024-10-07', citation: AP_AIRPORT, mode: 'statement',
    note: 'Police described a bomb attack carried out with a suicide vehicle-borne explosive device.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-deaths-geo', predicate: 'deaths', value: { kind: 'atLeast', value: 1 },
    sourceId: 'geo-news', statedAt: '2024-10-07', citation: DEVDISCOURSE_BLAST, mode: 'report',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-injuries-geo', predicate: 'injuries', value: { kind: 'exact', value: 10 },
    sourceId: 'geo-news', statedAt: '2024-10-07', citation: DEVDISCOURSE_BLAST, mode: 'report',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-deaths-sindh-hm', predicate: 'deaths', value: { kind: 'atLeast', value: 2 },
    sourceId: 'sindh-home-minister', statedAt: '2024-10-07', citation: NEWS_AZ_AIRPORT, mode: 'statement',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-injuries-sindh-hm', predicate: 'injuries', value: { kind: 'exact', value: 10 },
    sourceId: 'sindh-home-minister', statedAt: '2024-10-07', citation: NEWS_AZ_AIRPORT, mode: 'statement',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-deaths-cn-embassy', predicate: 'deaths', qualifiers: { nationality: 'CN' }, value: { kind: 'exact', value: 2 },
    sourceId: 'chinese-embassy-islamabad', statedAt: '2024-10-07', citation: AP_AIRPORT, mode: 'statement',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-injuries-cn-embassy', predicate: 'injuries', qualifiers: { nationality: 'CN' }, value: { kind: 'exact', value: 1 },
    sourceId: 'chinese-embassy-islamabad', statedAt: '2024-10-07', citation: AP_AIRPORT, mode: 'statement',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-foreign-deaths-mofa', predicate: 'deaths', qualifiers: { group: 'foreign-nationals' }, value: { kind: 'exact', value: 2 },
    sourceId: 'pk-foreign-ministry', statedAt: '2024-10-07', citation: DEVDISCOURSE_BOMBER, mode: 'statement',
    note: 'The foreign ministry said two Chinese nationals were killed and a third was hurt.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-responsibility-bla', predicate: 'responsibility', value: { actor: 'Balochistan Liberation Army', stance: 'claimed' },
    sourceId: 'bla', statedAt: '2024-10-07', citation: JAPAN_TIMES_CLAIM, mode: 'email',
    note: 'Claimed in an email to journalists and a spokesman statement, describing the target as a convoy of Chinese engineers and investors.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-perpetrator-bla', predicate: 'perpetrator', value: { name: 'Shah Fahad', role: 'suicide bomber' },
    sourceId: 'bla', statedAt: '2024-10-07', citation: JAPAN_TIMES_CLAIM, mode: 'statement',
    note: 'The group named the bomber as a member of its Majeed Brigade.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-deaths-thenews', predicate: 'deaths', value: { kind: 'exact', value: 3 },
    sourceId: 'the-news', statedAt: '2024-10-08', citation: THE_NEWS_AIRPORT, mode: 'report',
    note: 'Three dead, two of them Chinese.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-injuries-thenews', predicate: 'injuries', value: { kind: 'exact', value: 16 },
    sourceId: 'the-news', statedAt: '2024-10-08', citation: THE_NEWS_AIRPORT, mode: 'report',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-foreign-deaths-ary', predicate: 'deaths', qualifiers: { group: 'foreign-nationals' }, value: { kind: 'exact', value: 3 },
    sourceId: 'ary-news', statedAt: '2024-10-08',
    citation: { ...DEVDISCOURSE_BOMBER, quote: 'three foreign nationals' },
    mode: 'report',
    note: 'ARY put the number of foreigners killed at three (and the injured at 17); every official account says two.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-perpetrator-police', predicate: 'perpetrator', value: { name: 'Shah Fahad', role: 'suicide bomber' },
    sourceId: 'karachi-police', statedAt: '2024-10-08', citation: DEVDISCOURSE_BOMBER, mode: 'statement',
    note: 'Investigators identified the bomber and found that the vehicle used was registered in his name.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-arrests-sindh-hm', predicate: 'arrests', value: { kind: 'atLeast', value: 2 },
    sourceId: 'sindh-home-minister', statedAt: '2024-11-11', citation: DNA_ARRESTS, mode: 'statement',
    note: 'The alleged mastermind and a facilitator were among those arrested.',
  }),
  claim(AIRPORT, {
    claimId: 'c-airport-arrests-adnkronos', predicate: 'arrests', value: { kind: 'atLeast', value: 2 },
    sourceId: 'pk-interior-minister', statedAt: '2024-11-12', citation: ADNKRONOS_ARRESTS, mode: 'report',
    note: 'The arrest announcement as Adnkronos reported it on 12 November.',
  }),
  // The minister updates his own figures.
  revise(AIRPORT, 'c-airport-deaths-sindh-hm', {
    value: { kind: 'exact', value: 3 }, statedAt: '2024-11-11', citation: DNA_ARRESTS,
    note: 'Three people were killed in total.',
  }),
  revise(AIRPORT, 'c-airport-injuries-sindh-hm', {
    value: { kind: 'atLeast', value: 16 }, statedAt: '2024-11-11', citation: DNA_ARRESTS,
    note: 'At least sixteen people were hurt.',
  }),
  // Our judgement.
  rank(AIRPORT, 'c-airport-cause-govt', {
    rank: 'deprecated', reason: 'contradicted-by-evidence', evidence: AP_AIRPORT,
    note: 'Police confirmed a suicide car bombing; no tanker explosion was involved.',
  }),
  rank(AIRPORT, 'c-airport-injuries-geo', {
    rank: 'deprecated', reason: 'superseded', evidence: THE_NEWS_AIRPORT,
    note: 'An early count from the night of the attack; later counts put the injured at sixteen or more.',
  }),
  rank(AIRPORT, 'c-airport-foreign-deaths-ary', {
    rank: 'deprecated', reason: 'contradicted-by-evidence', evidence: DEVDISCOURSE_BOMBER,
    note: 'The Chinese embassy and the foreign ministry both report two foreigners killed, both Chinese.',
  }),
  // Our erratum: the Adnkronos report named the wrong minister.
  correct(AIRPORT, 'c-airport-arrests-adnkronos', {
    changes: { sourceId: 'sindh-home-minister' },
    reason: 'misattributed',
    note: 'Adnkronos credited the announcement to the federal interior minister, but the 11 November reports it follows give it to the Sindh home minister.',
  }),
];

// ---------------------------------------------------------------------------------------------
// Incident 2 — University of Karachi Confucius Institute bombing, 26 April 2022

const KU = 'karachi-university-2022';

const KARACHI_UNIVERSITY: DemoRequest[] = [
  incident({
    incidentId: KU,
    title: 'Suicide bombing of a Confucius Institute van at the University of Karachi',
    summary:
      "A bomber blew herself up beside a van bringing Confucius Institute staff onto the University of Karachi campus, killing three "
      + "Chinese teachers, the institute's director among them, and their Pakistani driver. The first reports spoke of a gas cylinder; "
      + 'investigators soon established a suicide attack by a woman, which the Balochistan Liberation Army claimed.',
    occurredAt: { start: '2022-04-26', precision: 'day' },
    location: { name: 'University of Karachi, Karachi', region: 'Sindh', country: 'PK' },
    category: 'suicide-bombing',
    tags: ['chinese-nationals', 'confucius-institute'],
  }),
  claim(KU, {
    claimId: 'c-ku-cause-dawn-initial', predicate: 'cause', value: 'cylinder explosion',
    sourceId: 'dawn', statedAt: '2022-04-26', citation: DAWN_KU_INITIAL, mode: 'report',
    note: 'Early reports, as Dawn relayed them, took the blast for a gas cylinder exploding.',
  }),
  claim(KU, {
    claimId: 'c-ku-cause-ctd', predicate: 'cause', value: 'suicide bombing',
    sourceId: 'ctd-sindh', statedAt: '2022-04-26', citation: DAWN_KU_ATTACK, mode: 'statement',
    note: 'A counter-terrorism official said a woman carried out the suicide attack.',
  }),
  claim(KU, {
    claimId: 'c-ku-deaths-police-chief', predicate: 'deaths', value: { kind: 'exact', value: 4 },
    sourceId: 'sindh-police-chief', statedAt: '2022-04-26', citation: DAWN_KU_ATTACK, mode: 'statement',
    note: "Three Chinese teachers, including the institute's director, and their Pakistani driver.",
  }),
  claim(KU, {
    claimId: 'c-ku-deaths-cn-police-chief', predicate: 'deaths', qualifiers: { nationality: 'CN' }, value: { kind: 'exact', value: 3 },
    sourceId: 'sindh-police-chief', statedAt: '2022-04-26', citation: DAWN_KU_ATTACK, mode: 'statement',
  }),
  claim(KU, {
    claimId: 'c-ku-injuries-police-chief', predicate: 'injuries', value: { kind: 'exact', value: 4 },
    sourceId: 'sindh-police-chief', statedAt: '2022-04-26', citation: DAWN_KU_ATTACK, mode: 'statement',
  }),
  claim(KU, {
    claimId: 'c-ku-injuries-outlook', predicate: 'injuries', value: { kind: 'atLeast', value: 6 },
    sourceId: 'outlook-india', statedAt: '2022-04-26', mode: 'report',
    note: 'Outlook India counted at least six injured; our notes keep no link to the article.',
  }),
  claim(KU, {
    claimId: 'c-ku-time-cm-office', predicate: 'occurredAt',
    value: { start: '2022-04-26T14:30:00+05:00', precision: 'minute', approximate: true },
    sourceId: 'sindh-chief-minister', statedAt: '2022-04-26', citation: DAWN_KU_ATTACK, mode: 'press-release',
    note: "A handout from the chief minister's office put the blast at about 2:30 pm.",
  }),
  claim(KU, {
    claimId: 'c-ku-responsibility-bla', predicate: 'responsibility', value: { actor: 'Balochistan Liberation Army', stance: 'claimed' },
    sourceId: 'bla', statedAt: '2022-04-26', citation: DAWN_KU_ATTACK, mode: 'statement',
    note: 'The group presented the bomber as its first female suicide attacker.',
  }),
  claim(KU, {
    claimId: 'c-ku-time-dawn', predicate: 'occurredAt',
    value: { start: '2022-04-26T14:00:00+05:00', precision: 'hour', approximate: true },
    sourceId: 'dawn', statedAt: '2022-04-27', citation: DAWN_KU_INITIAL, mode: 'report',
    note: 'Dawn placed the attack at around 2 pm.',
  }),
  claim(KU, {
    claimId: 'c-ku-time-thenews', predicate: 'occurredAt',
    value: { start: '2022-04-26T13:58:00+05:00', precision: 'minute' },
    sourceId: 'the-news', statedAt: '2022-04-27', mode: 'report',
    note: 'The News gave the time as 1:58 pm; our notes keep no link to the article.',
  }),
  rank(KU, 'c-ku-cause-dawn-initial', {
    rank: 'deprecated', reason: 'superseded', evidence: DAWN_KU_ATTACK,
    note: 'The cylinder explanation gave way the same day to the finding of a suicide attack.',
  }),
];

// ---------------------------------------------------------------------------------------------
// Incidents 3–5, as the Financial Times report states them

const DASU = 'dasu-bus-2021';
const BESHAM = 'besham-convoy-2024';
const GWADAR = 'gwadar-port-2024';

const FT_INCIDENTS: DemoRequest[] = [
  incident({
    incidentId: DASU,
    title: 'Bombing of a bus carrying Dasu hydropower project workers',
    summary: 'An explosion tore through a bus taking workers to the Dasu hydropower project in Upper Kohistan; Chinese engineers made up most of the dead.',
    occurredAt: { start: '2021-07-14', precision: 'day' },
    location: { name: 'Dasu, Upper Kohistan', region: 'Khyber Pakhtunkhwa', country: 'PK' },
    category: 'bombing',
    tags: ['chinese-nationals', 'dasu-hydropower'],
  }),
  claim(DASU, {
    claimId: 'c-dasu-deaths-ft', predicate: 'deaths', value: { kind: 'exact', value: 13 },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),
  claim(DASU, {
    claimId: 'c-dasu-deaths-cn-ft', predicate: 'deaths', qualifiers: { nationality: 'CN' }, value: { kind: 'exact', value: 9 },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),

  incident({
    incidentId: BESHAM,
    title: 'Suicide bombing of a convoy bound for the Dasu dam near Besham',
    summary: 'A suicide bomber struck a convoy taking Chinese workers to the Dasu dam site, near Besham in Shangla district, killing five Chinese nationals.',
    occurredAt: { start: '2024-03-26', precision: 'day' },
    location: { name: 'Besham, Shangla', region: 'Khyber Pakhtunkhwa', country: 'PK' },
    category: 'suicide-bombing',
    tags: ['chinese-nationals', 'dasu-hydropower'],
  }),
  claim(BESHAM, {
    claimId: 'c-besham-deaths-ft', predicate: 'deaths', value: { kind: 'atLeast', value: 5 },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),
  claim(BESHAM, {
    claimId: 'c-besham-deaths-cn-ft', predicate: 'deaths', qualifiers: { nationality: 'CN' }, value: { kind: 'exact', value: 5 },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),

  incident({
    incidentId: GWADAR,
    title: 'Armed assault on the Gwadar Port Authority complex',
    summary: 'Separatist fighters stormed the Gwadar Port Authority complex, a flagship site of the China–Pakistan Economic Corridor; two Pakistani security personnel died before the assault was beaten back.',
    occurredAt: { start: '2024-03-20', precision: 'day' },
    location: { name: 'Gwadar Port Authority complex, Gwadar', region: 'Balochistan', country: 'PK' },
    category: 'armed-assault',
    tags: ['cpec', 'gwadar'],
  }),
  claim(GWADAR, {
    claimId: 'c-gwadar-deaths-sf-ft', predicate: 'deaths', qualifiers: { group: 'security-forces' }, value: { kind: 'exact', value: 2 },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),
  claim(GWADAR, {
    claimId: 'c-gwadar-deaths-ft', predicate: 'deaths', value: { kind: 'atLeast', value: 2 },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),
  claim(GWADAR, {
    claimId: 'c-gwadar-responsibility-ft', predicate: 'responsibility', value: { actor: 'Baloch separatists', stance: 'attributed' },
    sourceId: 'financial-times', statedAt: FT_DATE, mode: 'report', note: FT_NOTE,
  }),
];

/** The whole demo dataset, in the order the server replays it. */
export const demoRequests: DemoRequest[] = [...SOURCES, ...KARACHI_AIRPORT, ...KARACHI_UNIVERSITY, ...FT_INCIDENTS];

/** The incidents the dataset registers, in order. */
export const demoIncidentIds: readonly string[] = [AIRPORT, KU, DASU, BESHAM, GWADAR];
