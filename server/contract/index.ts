/** Every endpoint of the API contract, and how to find the one a request went to. */
import type { Endpoint, HttpMethod } from './common.js';
import { auditEndpoints } from './audit.js';
import { authEndpoints } from './auth.js';
import { casesEndpoints } from './cases.js';
import { calendarEndpoints } from './calendar.js';
import { healthEndpoints } from './health.js';
import { instructionsEndpoints } from './instructions.js';
import { interagencyEndpoints } from './interagency.js';
import { orgEndpoints } from './org.js';
import { scorecardEndpoints } from './scorecard.js';
import { servicesEndpoints } from './services.js';
import { tasksEndpoints } from './tasks.js';
import { usersEndpoints } from './users.js';

export const ENDPOINTS: readonly Endpoint[] = [
  ...healthEndpoints,
  ...authEndpoints,
  ...usersEndpoints,
  ...orgEndpoints,
  ...auditEndpoints,
  ...servicesEndpoints,
  ...scorecardEndpoints,
  ...casesEndpoints,
  ...tasksEndpoints,
  ...interagencyEndpoints,
  ...instructionsEndpoints,
  ...calendarEndpoints,
];

const compiled = ENDPOINTS.map((e) => ({
  endpoint: e,
  pattern: new RegExp(`^${e.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:\w+/g, '[^/]+')}$`),
  /** Literal segments first: `/matrices/team` wins over `/matrices/:id`. */
  params: (e.path.match(/:\w+/g) ?? []).length,
}));

/** The contract's endpoint for a method and a path (query string ignored), if it has one. */
export function endpointOf(method: string, path: string): Endpoint | undefined {
  const bare = path.split('?')[0];
  return compiled
    .filter((c) => c.endpoint.method === (method.toUpperCase() as HttpMethod) && c.pattern.test(bare))
    .sort((a, b) => a.params - b.params)[0]?.endpoint;
}
