/**
 * Examples for the OpenAPI document: real answers of a server that loaded the demo dataset, cut down
 * to one fact, one event or one entry where the whole answer is long. The OpenAPI test validates
 * each against its schema, so an example cannot drift from what the server sends.
 */
export const incidentView = {
 "incidentId": "karachi-airport-2024",
 "title": "Suicide car bombing of a convoy near Jinnah International Airport, Karachi",
 "summary": "Late on a Sunday night an explosives-laden vehicle struck a convoy taking staff of the Port Qasim Electric Power Company away from Jinnah International Airport; two Chinese engineers were among the dead. Early official accounts pointed to an oil tanker, but police soon established a suicide car bombing, which the Balochistan Liberation Army claimed. The attack came amid rising violence against Chinese workers in Pakistan, which hosts some $60bn of investment under the China–Pakistan Economic Corridor; Beijing asked Islamabad to punish those responsible and to honour its security commitments.",
 "occurredAt": {
  "start": "2024-10-06T23:00:00+05:00",
  "precision": "hour",
  "approximate": true
 },
 "location": {
  "name": "Near Jinnah International Airport, Karachi",
  "region": "Sindh",
  "country": "PK",
  "lat": 24.9065,
  "lon": 67.1608
 },
 "category": "suicide-bombing",
 "tags": [
  "cpec",
  "chinese-nationals"
 ],
 "facts": {
  "deaths": {
   "status": "corroborated",
   "value": {
    "kind": "exact",
    "value": 3
   },
   "claims": [
    {
     "claimId": "c-airport-deaths-geo",
     "predicate": "deaths",
     "sourceId": "geo-news",
     "value": {
      "kind": "atLeast",
      "value": 1
     },
     "statedAt": "2024-10-07",
     "status": "active",
     "rank": "normal",
     "revisionCount": 0,
     "correctionCount": 0,
     "citation": {
      "url": "https://www.devdiscourse.com/article/law-order/3112807-deadly-blast-near-karachi-airport-blas-ongoing-campaign",
      "publisher": "Devdiscourse",
      "publishedAt": "2024-10-07"
     },
     "mode": "report",
     "recordedAt": "2026-12-01T21:32:21.873Z"
    },
    {
     "claimId": "c-airport-deaths-sindh-hm",
     "predicate": "deaths",
     "sourceId": "sindh-home-minister",
     "value": {
      "kind": "exact",
      "value": 3
     },
     "statedAt": "2024-11-11",
     "status": "active",
     "rank": "normal",
     "revisionCount": 1,
     "correctionCount": 0,
     "citation": {
      "url": "https://dnanews.com.pk/karachi-airport-attack-mastermind-woman-facilitator-among-others-arrested/",
      "publisher": "DNA News",
      "publishedAt": "2024-11-11"
     },
     "mode": "statement",
     "note": "Three people were killed in total.",
     "recordedAt": "2026-12-01T21:32:21.879Z"
    },
    {
     "claimId": "c-airport-deaths-thenews",
     "predicate": "deaths",
     "sourceId": "the-news",
     "value": {
      "kind": "exact",
      "value": 3
     },
     "statedAt": "2024-10-08",
     "status": "active",
     "rank": "normal",
     "revisionCount": 0,
     "correctionCount": 0,
     "citation": {
      "url": "https://thenews.com.pk/print/1237924-two-chinese-dead-in-suicide-attack-near-karachi-airport",
      "publisher": "The News International",
      "publishedAt": "2024-10-08"
     },
     "mode": "report",
     "note": "Three dead, two of them Chinese.",
     "recordedAt": "2026-12-01T21:32:21.912Z"
    }
   ]
  }
 },
 "revision": 23,
 "updatedAt": "2026-12-01T21:32:21.951Z"
};
export const timelinePage = {
 "items": [
  {
   "incidentId": "karachi-airport-2024",
   "title": "Suicide car bombing of a convoy near Jinnah International Airport, Karachi",
   "summary": "Late on a Sunday night an explosives-laden vehicle struck a convoy taking staff of the Port Qasim Electric Power Company away from Jinnah International Airport; two Chinese engineers were among the dead. Early official accounts pointed to an oil tanker, but police soon established a suicide car bombing, which the Balochistan Liberation Army claimed. The attack came amid rising violence against Chinese workers in Pakistan, which hosts some $60bn of investment under the China–Pakistan Economic Corridor; Beijing asked Islamabad to punish those responsible and to honour its security commitments.",
   "occurredAt": {
    "start": "2024-10-06T23:00:00+05:00",
    "precision": "hour",
    "approximate": true
   },
   "location": {
    "name": "Near Jinnah International Airport, Karachi",
    "region": "Sindh",
    "country": "PK",
    "lat": 24.9065,
    "lon": 67.1608
   },
   "category": "suicide-bombing",
   "tags": [
    "cpec",
    "chinese-nationals"
   ],
   "headline": {
    "deaths": {
     "status": "corroborated",
     "value": {
      "kind": "exact",
      "value": 3
     }
    },
    "injuries": {
     "status": "corroborated",
     "value": {
      "kind": "exact",
      "value": 16
     }
    },
    "responsibility": {
     "status": "reported",
     "claimed": true,
     "competingClaims": false,
     "denied": [],
     "actors": [
      {
       "actor": "Balochistan Liberation Army",
       "stances": [
        "claimed"
       ],
       "status": "reported",
       "claims": [
        "c-airport-responsibility-bla"
       ]
      }
     ]
    }
   }
  }
 ],
 "nextCursor": "WzE3MjgyMzc2MDAwMDAsImthcmFjaGktYWlycG9ydC0yMDI0Il0"
};
export const history = {
 "items": [
  {
   "revision": 0,
   "index": 16,
   "recordedAt": "2026-12-01T21:32:21.854Z",
   "actor": "system",
   "type": "IncidentRegistered",
   "after": {
    "title": "Suicide car bombing of a convoy near Jinnah International Airport, Karachi",
    "occurredAt": {
     "start": "2024-10-06T23:00:00+05:00",
     "precision": "hour",
     "approximate": true
    },
    "location": {
     "name": "Near Jinnah International Airport, Karachi",
     "region": "Sindh",
     "country": "PK",
     "lat": 24.9065,
     "lon": 67.1608
    },
    "category": "suicide-bombing",
    "tags": [
     "cpec",
     "chinese-nationals"
    ],
    "summary": "Late on a Sunday night an explosives-laden vehicle struck a convoy taking staff of the Port Qasim Electric Power Company away from Jinnah International Airport; two Chinese engineers were among the dead. Early official accounts pointed to an oil tanker, but police soon established a suicide car bombing, which the Balochistan Liberation Army claimed. The attack came amid rising violence against Chinese workers in Pakistan, which hosts some $60bn of investment under the China–Pakistan Economic Corridor; Beijing asked Islamabad to punish those responsible and to honour its security commitments."
   }
  },
  {
   "revision": 23,
   "index": 39,
   "recordedAt": "2026-12-01T21:32:21.951Z",
   "actor": "system",
   "type": "ClaimCorrected",
   "claimId": "c-airport-arrests-adnkronos",
   "fact": "arrests",
   "sourceId": "sindh-home-minister",
   "before": {
    "sourceId": "pk-interior-minister"
   },
   "after": {
    "sourceId": "sindh-home-minister"
   },
   "reason": "misattributed",
   "note": "Adnkronos credited the announcement to the federal interior minister, but the 11 November reports it follows give it to the Sindh home minister."
  }
 ]
};
export const eventsPage = {
 "items": [
  {
   "index": 0,
   "stream": "source-pk-government",
   "revision": 0,
   "eventId": "320662c8-42b9-48f1-8e3e-10620c5b276e",
   "type": "SourceRegistered",
   "schemaVersion": 1,
   "recordedAt": "2026-12-01T21:32:21.812Z",
   "data": {
    "name": "Pakistani authorities",
    "kind": "government",
    "country": "PK",
    "description": "Officials quoted without a name or office in the first reports of an incident, before investigators settle what happened.",
    "sourceId": "pk-government"
   },
   "metadata": {
    "actor": "system",
    "correlationId": "demo-seed"
   },
   "position": "0",
   "leafHash": "g1/U8cTUM5hJlltL2sfSACUpLIIXot2VXR8geqMZEZI="
  }
 ],
 "nextFrom": 1
};
export const inclusion = {
 "index": 1,
 "treeSize": 8,
 "leafHash": "zIt8oQeWo9+bLpnA/tDAzkWtbRLImzytYFLPlH6CKP8=",
 "hashes": [
  "g1/U8cTUM5hJlltL2sfSACUpLIIXot2VXR8geqMZEZI=",
  "VaQOoVCTsGQLofwQDve2E/6c+dPnjeR2nE2ITJ/Vyiw=",
  "DwoObm4l/fMAIoT1+ww6t/DBfHrHIJMqVicd/r7M4pI="
 ]
};
export const consistency = {
 "from": 4,
 "to": 8,
 "hashes": [
  "DwoObm4l/fMAIoT1+ww6t/DBfHrHIJMqVicd/r7M4pI="
 ]
};
export const changes = {
 "items": [
  {
   "index": 0,
   "type": "SourceRegistered",
   "recordedAt": "2026-12-01T21:32:21.812Z",
   "actor": "system",
   "stream": "source-pk-government",
   "sourceId": "pk-government",
   "revision": 0
  },
  {
   "index": 1,
   "type": "SourceRegistered",
   "recordedAt": "2026-12-01T21:32:21.818Z",
   "actor": "system",
   "stream": "source-karachi-police",
   "sourceId": "karachi-police",
   "revision": 0
  }
 ],
 "incidents": [],
 "nextFrom": 2
};
export const sources = {
 "items": [
  {
   "sourceId": "ary-news",
   "name": "ARY News",
   "kind": "news-outlet",
   "url": "https://arynews.tv",
   "country": "PK",
   "description": "Pakistani television news channel.",
   "counts": {
    "claims": 1,
    "revisions": 0,
    "retractions": 0,
    "errata": 0,
    "deprecated": 1
   },
   "revision": 0,
   "updatedAt": "2026-12-01T21:32:21.829Z"
  }
 ],
 "nextCursor": "WyJhcnktbmV3cyJd"
};
export const health = {
 "status": "ok",
 "store": {
  "kind": "sqlite",
  "reachable": true
 },
 "index": 62,
 "projections": {
  "index": 62,
  "lag": 0
 }
};
export const written = {
 "id": "karachi-airport-2024",
 "incidentId": "karachi-airport-2024",
 "revision": 0,
 "index": 16,
 "position": "16"
};
export const checkpoint = "palimpsest.local/log\n62\nnUweNYV2ohS/Xvl/4pZ2ZrAhzoJ/Vad4GtqDMyX8BzY=\n\n— palimpsest.local/log +I3QWxPLykr+EfAQJ048V8EG8DNdaFBtK5pplL054fJdNA51M7zgcYHdZggpVbwBTCHu8t4V8wvSGzi/xeS3pQk/BwA=\n";
export const publicKey = "palimpsest.local/log+f88dd05b+Ae7L6kkJ89PpXsT1SbpsQiMj0f73fasB3rmaaX1vAV6r\n";
