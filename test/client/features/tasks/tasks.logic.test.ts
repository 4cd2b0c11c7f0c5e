import { describe, expect, it } from 'vitest';
import {
  DEFAULT_COLUMNS,
  defaultState,
  dueState,
  fieldIdsByKey,
  filtersOf,
  queryFromState,
  stateFromQuery,
  stateFromView,
} from '../../../../client/src/features/tasks/tasks.logic';

describe('given the task list state in the URL query', () => {
  it('when the query is empty, then the defaults apply and the query written back is empty', () => {
    expect(stateFromQuery({})).toEqual(defaultState());
    expect(queryFromState(defaultState())).toEqual({});
  });

  it('when filters, sort, page and columns are set, then they round-trip through the query', () => {
    const state = {
      ...defaultState(),
      view: 'scope' as const,
      due: 'overdue' as const,
      status: 'assigned' as const,
      caseNumber: '2026-0001',
      applicant: 'Наружная',
      department: 7,
      sort: '-priority' as const,
      page: 3,
      pageSize: 50,
      columns: ['caseNumber' as const, 'due' as const, 'assignee' as const],
    };
    const query = queryFromState(state);
    expect(query).toMatchObject({ view: 'scope', due: 'overdue', cols: 'caseNumber,due,assignee', page: '3' });
    expect(stateFromQuery(query)).toEqual(state);
  });

  it('when the query holds unknown values, then they fall back to the defaults', () => {
    const s = stateFromQuery({
      view: 'everything',
      due: 'yesterday',
      sort: 'name',
      page: '-2',
      department: 'x',
      cols: 'nope',
    });
    expect(s).toEqual(defaultState());
  });

  it('when a saved view is applied, then its filters, columns and sort replace the state on page 1', () => {
    const s = stateFromView({ filters: { view: 'group', due: 'atRisk', department: 3 }, columns: [], sort: 'created' });
    expect(s).toMatchObject({ view: 'group', due: 'atRisk', department: 3, sort: 'created', page: 1 });
    expect(s.columns).toEqual(DEFAULT_COLUMNS);
    expect(filtersOf(s)).toEqual({ view: 'group', due: 'atRisk', department: 3 });
  });
});

describe('given a due instant', () => {
  const now = new Date('2026-06-15T07:00:00Z');
  it.each([
    [null, 'none'],
    ['2026-06-15T06:59:00Z', 'overdue'],
    ['2026-06-15T20:00:00Z', 'atRisk'],
    ['2026-06-20T07:00:00Z', 'onTime'],
  ] as const)('when it is %s, then the task is %s', (due, state) => {
    expect(dueState(due, now)).toBe(state);
  });
});

describe('given a form-js schema with nested groups', () => {
  it('when its fields are indexed, then each key maps to its component id (for server errors next to fields)', () => {
    const schema = {
      components: [
        { type: 'text', id: 'T1' },
        { type: 'textfield', id: 'F1', key: 'decision' },
        { type: 'group', id: 'G1', components: [{ type: 'number', id: 'F2', key: 'area' }] },
      ],
    };
    expect(fieldIdsByKey(schema)).toEqual({ decision: 'F1', area: 'F2' });
  });
});
