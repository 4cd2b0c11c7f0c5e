import type { Role } from '@contract/enums';

/** Roles a user may hold (several at once): the API contract's (server/contract/enums.ts). */
export { ROLES, type Role } from '@contract/enums';

/** Top-level sections of the application, in navigation order. */
export const SECTIONS = [
  'portal',
  'tasks',
  'cases',
  'interagency',
  'instructions',
  'constructor',
  'monitoring',
  'scorecard',
  'admin',
] as const;
export type Section = (typeof SECTIONS)[number];

/** Which roles may open each section. */
export const SECTION_ROLES: Record<Section, readonly Role[]> = {
  admin: ['admin'],
  constructor: ['analyst', 'admin'],
  tasks: ['operator', 'specialist', 'manager', 'admin'],
  cases: ['operator', 'manager', 'admin'],
  interagency: ['operator', 'specialist', 'manager', 'admin'],
  instructions: ['operator', 'specialist', 'manager', 'admin'],
  monitoring: ['manager'],
  scorecard: ['operator', 'specialist', 'manager', 'admin'],
  portal: ['citizen'],
};

/** Home page per role; the first role in this order that a user holds decides their home. */
export const HOME_BY_ROLE: readonly (readonly [Role, string])[] = [
  ['admin', '/admin'],
  ['analyst', '/constructor'],
  ['manager', '/monitoring'],
  ['operator', '/tasks'],
  ['specialist', '/tasks'],
  ['citizen', '/portal'],
];

/** The page a user lands on after signing in. */
export function homePathFor(roles: readonly Role[]): string {
  for (const [role, path] of HOME_BY_ROLE) if (roles.includes(role)) return path;
  return '/403';
}

/** The sections a user with these roles sees in the navigation. */
export function sectionsFor(roles: readonly Role[]): Section[] {
  return SECTIONS.filter((s) => SECTION_ROLES[s].some((r) => roles.includes(r)));
}

/** Who may register a case at the window (intake). */
export const INTAKE_ROLES: readonly Role[] = ['operator', 'admin'];
/** Who may open a case's page (a specialist reaches it from their task). */
export const CASE_VIEW_ROLES: readonly Role[] = ['operator', 'specialist', 'manager', 'admin'];
/** Who may answer an inter-agency request (operators read the journal of their office's cases). */
export const INTERAGENCY_REPLY_ROLES: readonly Role[] = ['specialist', 'manager', 'admin'];
/** Who may give an instruction (поручение). */
export const INSTRUCT_ROLES: readonly Role[] = ['manager', 'admin'];

/** Whether the roles allow one of the required roles (no requirement: allowed). */
export function hasAnyRole(roles: readonly Role[], required: readonly Role[] | undefined): boolean {
  return !required || required.length === 0 || required.some((r) => roles.includes(r));
}
