/** The dataset's sources, and the citations more than one incident's claims use. */
import type { Citation } from '../domain/values.ts';
import { source, type DemoRequest } from './request.ts';

// ---------------------------------------------------------------------------------------------
// Citations used more than once.

export const AP_AIRPORT: Citation = {
  url: 'https://www.ajc.com/news/nation-world/a-pakistani-separatist-group-claims-bombing-that-killed-2-chinese-near-karachi-airport/MNYRG2OP3BFPHDLGAQVE66M43U/',
  publisher: 'Associated Press (via The Atlanta Journal-Constitution)',
  publishedAt: '2024-10-07',
};
export const DEVDISCOURSE_BLAST: Citation = {
  url: 'https://www.devdiscourse.com/article/law-order/3112807-deadly-blast-near-karachi-airport-blas-ongoing-campaign',
  publisher: 'Devdiscourse',
  publishedAt: '2024-10-07',
};
export const NEWS_AZ_AIRPORT: Citation = {
  url: 'https://news.az/news/explosion-near-pakistan-s-karachi-airport-leaves-two-chinese-nationals-dead-video',
  publisher: 'News.az',
  publishedAt: '2024-10-07',
};
export const DNA_ARRESTS: Citation = {
  url: 'https://dnanews.com.pk/karachi-airport-attack-mastermind-woman-facilitator-among-others-arrested/',
  publisher: 'DNA News',
  publishedAt: '2024-11-11',
};
export const THE_NEWS_AIRPORT: Citation = {
  url: 'https://thenews.com.pk/print/1237924-two-chinese-dead-in-suicide-attack-near-karachi-airport',
  publisher: 'The News International',
  publishedAt: '2024-10-08',
};
export const DEVDISCOURSE_BOMBER: Citation = {
  url: 'https://www.devdiscourse.com/article/international/3114097-karachi-suicide-bomber-identified-in-airport-blast-probe',
  publisher: 'Devdiscourse',
};
export const JAPAN_TIMES_CLAIM: Citation = {
  url: 'https://www.japantimes.co.jp/news/2024/10/07/asia-pacific/crime-legal/chinese-embassy-terrorist-attack-pakistan/',
  publisher: 'The Japan Times',
  publishedAt: '2024-10-07',
};
export const ADNKRONOS_ARRESTS: Citation = {
  url: 'https://www.adnkronos.com/rassegna-stampa/inglese/pakistan-karachi-airport-attack-master-arrested_7hr1ajltAzDXCSZNrG9F1u',
  publisher: 'Adnkronos',
  publishedAt: '2024-11-12',
  quote: 'Interior Minister Sarfraz Bugti',
};
export const DAWN_KU_INITIAL: Citation = {
  url: 'https://dawn.com/news/1687041',
  publisher: 'Dawn',
};
export const DAWN_KU_ATTACK: Citation = {
  url: 'https://www.dawn.com/news/1686920/3-chinese-nationals-among-4-dead-in-suicide-attack-at-karachi-university',
  publisher: 'Dawn',
  publishedAt: '2022-04-26',
};

/** The FT report is undated in our copy: its claims carry a stand-in date and say so. */
export const FT_DATE = '2024-10-14';
export const FT_NOTE = 'From a Financial Times report of October 2024 on attacks against Chinese nationals in Pakistan. '
  + 'The report is undated in our copy, so 14 October 2024 stands in as the statement date.';

// ---------------------------------------------------------------------------------------------
// Sources

export const SOURCES: DemoRequest[] = [
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
