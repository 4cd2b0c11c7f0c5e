import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  checkTransition,
  editScope,
  type MatrixRelation,
} from '../../../../server/features/scorecard/matrix.states.js';

const nobody: MatrixRelation = { owner: false, manager: false, head: false, admin: false };
const owner = { ...nobody, owner: true };
const manager = { ...nobody, manager: true };
const head = { ...nobody, head: true, manager: true };
const admin = { ...nobody, admin: true };

describe('matrix workflow', () => {
  it('given a draft, then only its employee may confirm it; a manager gets 403', () => {
    expect(checkTransition('confirm', 'draft', owner)).toEqual({ ok: true, to: 'confirmed' });
    expect(checkTransition('confirm', 'draft', manager)).toMatchObject({ ok: false, status: 403 });
  });

  it('given a confirmed matrix, then a manager agrees it; the employee cannot', () => {
    expect(checkTransition('agree', 'confirmed', manager)).toEqual({ ok: true, to: 'agreed' });
    expect(checkTransition('agree', 'confirmed', owner)).toMatchObject({ ok: false, status: 403 });
  });

  it('given an agreed matrix, then the head (or an admin) approves it, a mere manager cannot', () => {
    expect(checkTransition('approve', 'agreed', head)).toEqual({ ok: true, to: 'approved' });
    expect(checkTransition('approve', 'agreed', admin)).toEqual({ ok: true, to: 'approved' });
    expect(checkTransition('approve', 'agreed', manager)).toMatchObject({ ok: false, status: 403 });
  });

  it('given an action out of order, then 409 (state) before 403 (person)', () => {
    expect(checkTransition('approve', 'draft', owner)).toMatchObject({ ok: false, status: 409 });
    expect(checkTransition('lock', 'agreed', admin)).toMatchObject({ ok: false, status: 409 });
  });

  it('given returns, then managers return confirmed/agreed, only an admin reopens an approved matrix, and a locked one never', () => {
    expect(checkTransition('return', 'agreed', manager)).toEqual({ ok: true, to: 'draft' });
    expect(checkTransition('return', 'approved', head)).toMatchObject({ ok: false, status: 403 });
    expect(checkTransition('return', 'approved', admin)).toEqual({ ok: true, to: 'draft' });
    expect(checkTransition('return', 'locked', admin)).toMatchObject({ ok: false, status: 409 });
  });

  it('given each state, then edit rights narrow: draft all/own, confirmed manager rows, later nothing', () => {
    expect(editScope('draft', owner)).toBe('own');
    expect(editScope('draft', manager)).toBe('all');
    expect(editScope('confirmed', owner)).toBe('none');
    expect(editScope('confirmed', manager)).toBe('managerRows');
    for (const s of ['agreed', 'approved', 'locked'] as const) expect(editScope(s, admin)).toBe('none');
  });

  it('given a head looking at a confirmed matrix, then the buttons are agree and return', () => {
    expect(allowedActions('confirmed', head)).toEqual(['agree', 'return']);
    expect(allowedActions('locked', admin)).toEqual([]);
  });
});
