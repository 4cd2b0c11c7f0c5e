/**
 * The matrix approval workflow as a state machine (the BPMN run on the engine replaces the driver
 * later; these transitions and checks stay the rules): draft → confirmed (employee) → agreed
 * (manager) → approved (head) → locked. A matrix can be returned to draft for corrections.
 */

import type { EditScope, MatrixAction, MatrixStatus } from '../../contract/scorecard.js';

/** The statuses and actions are part of the API contract (server/contract/scorecard.ts). */
export { MATRIX_STATUSES, type MatrixAction, type MatrixStatus } from '../../contract/scorecard.js';

/** How the viewer relates to a matrix: computed by the service from the org structure. */
export interface MatrixRelation {
  /** The matrix is the viewer's own. */
  owner: boolean;
  /** A manager whose unit subtree holds the employee's unit (never the employee themself). */
  manager: boolean;
  /** The manager of the employee's top-level department (never the employee themself). */
  head: boolean;
  admin: boolean;
}

interface Transition {
  from: readonly MatrixStatus[];
  to: MatrixStatus;
  /** Who may perform it. */
  allowed(rel: MatrixRelation, from: MatrixStatus): boolean;
}

export const TRANSITIONS: Record<MatrixAction, Transition> = {
  confirm: { from: ['draft'], to: 'confirmed', allowed: (r) => r.owner },
  agree: { from: ['confirmed'], to: 'agreed', allowed: (r) => r.manager || r.head || r.admin },
  approve: { from: ['agreed'], to: 'approved', allowed: (r) => r.head || r.admin },
  lock: { from: ['approved'], to: 'locked', allowed: (r) => r.head || r.admin },
  // Managers send a confirmed or agreed matrix back; only an admin reopens an approved one; locked is final.
  return: {
    from: ['confirmed', 'agreed', 'approved'],
    to: 'draft',
    allowed: (r, from) => (from === 'approved' ? r.admin : r.manager || r.head || r.admin),
  },
};

/** The outcome of checking an action: allowed, or why not (403 = not this person, 409 = not in this state). */
export type TransitionCheck = { ok: true; to: MatrixStatus } | { ok: false; status: 403 | 409; message: string };

/** Checks whether the viewer may perform the action on a matrix in the given state. */
export function checkTransition(action: MatrixAction, from: MatrixStatus, rel: MatrixRelation): TransitionCheck {
  const t = TRANSITIONS[action];
  if (!t.from.includes(from))
    return { ok: false, status: 409, message: `A matrix in status "${from}" cannot be ${pastTense(action)}` };
  if (!t.allowed(rel, from)) return { ok: false, status: 403, message: `You may not ${action} this matrix` };
  return { ok: true, to: t.to };
}

/** The actions the viewer may perform now (for the client's buttons). */
export function allowedActions(from: MatrixStatus, rel: MatrixRelation): MatrixAction[] {
  return (Object.keys(TRANSITIONS) as MatrixAction[]).filter((a) => checkTransition(a, from, rel).ok);
}

/** What the viewer may edit in a matrix of this status: everything, only the manager's rows, or nothing. */
export function editScope(status: MatrixStatus, rel: MatrixRelation): EditScope {
  const managing = rel.manager || rel.head || rel.admin;
  if (status === 'draft') return managing ? 'all' : rel.owner ? 'own' : 'none';
  // After the employee confirmed, a manager still fills the discipline and their evaluation.
  if (status === 'confirmed' && managing) return 'managerRows';
  return 'none';
}

function pastTense(action: MatrixAction): string {
  return { confirm: 'confirmed', agree: 'agreed', approve: 'approved', lock: 'locked', return: 'returned' }[action];
}
