import { claim, correct, incident, rank, revise, type DemoRequest } from './request.ts';
import {
  ADNKRONOS_ARRESTS, AP_AIRPORT, DEVDISCOURSE_BLAST, DEVDISCOURSE_BOMBER, DNA_ARRESTS, JAPAN_TIMES_CLAIM, NEWS_AZ_AIRPORT, THE_NEWS_AIRPORT,
} from './sources.ts';

// ---------------------------------------------------------------------------------------------
// Incident 1 — Karachi airport convoy bombing, 6 October 2024

export const AIRPORT = 'karachi-airport-2024';

export const KARACHI_AIRPORT: DemoRequest[] = [
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
