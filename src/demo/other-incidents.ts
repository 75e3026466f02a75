import { claim, correct, incident, rank, revise, type DemoRequest } from './request.ts';
import { DAWN_KU_ATTACK, DAWN_KU_INITIAL, FT_DATE, FT_NOTE } from './sources.ts';

// ---------------------------------------------------------------------------------------------
// Incident 2 — University of Karachi Confucius Institute bombing, 26 April 2022

export const KU = 'karachi-university-2022';

export const KARACHI_UNIVERSITY: DemoRequest[] = [
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

export const DASU = 'dasu-bus-2021';
export const BESHAM = 'besham-convoy-2024';
export const GWADAR = 'gwadar-port-2024';

export const FT_INCIDENTS: DemoRequest[] = [
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
