/** The API's enumerations as the forms offer them (the OpenAPI document's request schemas list the same). */
export const COUNT_PREDICATES = ['deaths', 'injuries', 'arrests'] as const;
export const PREDICATES = ['deaths', 'injuries', 'arrests', 'cause', 'target', 'occurredAt', 'location', 'responsibility', 'perpetrator'] as const;
export type Predicate = (typeof PREDICATES)[number];
export const isCountPredicate = (p: string): boolean => (COUNT_PREDICATES as readonly string[]).includes(p);
export const COUNT_KINDS = ['exact', 'atLeast', 'range', 'unknown', 'none'] as const;
export const GROUPS = ['all', 'victims', 'attackers', 'security-forces', 'civilians', 'foreign-nationals'] as const;
export const STANCES = ['claimed', 'denied', 'attributed', 'suspected'] as const;
export const PRECISIONS = ['year', 'month', 'day', 'hour', 'minute'] as const;
export const MODES = ['statement', 'press-release', 'email', 'social-media', 'video', 'interview', 'court', 'report', 'other'] as const;
export const ERRATUM_REASONS = ['reporting-error', 'misattributed', 'transcription', 'wrong-incident', 'other'] as const;
export const RANKS = ['preferred', 'normal', 'deprecated'] as const;
export const RANK_REASONS = ['superseded', 'contradicted-by-evidence', 'misattributed', 'unreliable-source', 'best-available', 'confirmed-by-evidence', 'other'] as const;
export const CATEGORIES = ['bombing', 'suicide-bombing', 'armed-assault', 'assassination', 'kidnapping', 'arson', 'other'] as const;
export const SOURCE_KINDS = ['news-outlet', 'government', 'security-forces', 'armed-group', 'international-org', 'ngo', 'court', 'database', 'other'] as const;
