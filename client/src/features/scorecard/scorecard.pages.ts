import type { Role } from '../../shared/roles';

/** A sub-page of the scorecard section and who may open it. */
export interface ScorecardPage {
  name: string;
  labelKey: string;
  roles: readonly Role[];
}

/** Roles of each scorecard sub-page (the router's `meta.roles` use the same lists). */
export const SCORECARD_ROLES = {
  my: ['operator', 'specialist', 'manager'],
  team: ['manager', 'admin'],
  matrix: ['operator', 'specialist', 'manager', 'admin'],
  methodology: ['admin'],
  ratings: ['manager', 'admin'],
  roadmap: ['manager', 'admin'],
  plans: ['operator', 'specialist', 'manager', 'admin'],
  indicators: ['admin'],
  facts: ['manager', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

/** The tabs of the scorecard section, in order. */
export const SCORECARD_PAGES: readonly ScorecardPage[] = [
  { name: 'scorecard-my', labelKey: 'scorecard.nav.my', roles: SCORECARD_ROLES.my },
  { name: 'scorecard-team', labelKey: 'scorecard.nav.team', roles: SCORECARD_ROLES.team },
  { name: 'scorecard-plans', labelKey: 'scorecard.plans.nav', roles: SCORECARD_ROLES.plans },
  { name: 'scorecard-facts', labelKey: 'scorecard.facts.nav', roles: SCORECARD_ROLES.facts },
  { name: 'scorecard-indicators', labelKey: 'scorecard.indicators.nav', roles: SCORECARD_ROLES.indicators },
  { name: 'scorecard-methodology', labelKey: 'scorecard.nav.methodology', roles: SCORECARD_ROLES.methodology },
  { name: 'scorecard-ratings', labelKey: 'scorecard.nav.ratings', roles: SCORECARD_ROLES.ratings },
  { name: 'scorecard-roadmap', labelKey: 'scorecard.nav.roadmap', roles: SCORECARD_ROLES.roadmap },
];

/** The tabs a user with these roles sees. */
export function pagesFor(roles: readonly Role[]): ScorecardPage[] {
  return SCORECARD_PAGES.filter((p) => p.roles.some((r) => roles.includes(r)));
}
