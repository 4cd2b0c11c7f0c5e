import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ElementId,
  ProcessDefinitionId,
  UserTaskKey,
  type EndCursor,
  type StartCursor,
} from '@camunda8/orchestration-cluster-api';
import { eventually, fixture, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine REST /v2/user-tasks/search: filters, sort, offset and cursor pages (Camunda 8.8 shapes)', () => {
  let t: TestEngine;
  const now = { consistency: { waitUpToMs: 0 } };
  const office = 'paging-office';
  /** userTaskKey by the `days` variable of its instance (due date = 2030-01-02T10:00Z + days). */
  const byDays = new Map<number, UserTaskKey>();
  beforeAll(async () => {
    t = await startTestEngine();
    await t.rest.createDeployment({
      resources: [
        new File([fixture('approval.form')], 'approval.form'),
        new File([fixture('user-task.bpmn')], 'user-task.bpmn'),
      ],
    });
    for (const [days, priority, where] of [
      [1, 10, office],
      [2, 90, office],
      [3, 50, office],
      [4, 70, office],
      [5, 30, office],
      [2, 60, 'other-office'],
    ] as const) {
      const pi = await t.rest.createProcessInstance({
        processDefinitionId: ProcessDefinitionId.assumeExists('user-task'),
        variables: { office: where, days, priority, applicant: `a${days}` },
      });
      const task = await eventually(
        async () =>
          (
            await t.rest.searchUserTasks(
              { filter: { processInstanceKey: pi.processInstanceKey, state: 'CREATED' } },
              now,
            )
          ).items[0],
      );
      if (where === office) byDays.set(days, task.userTaskKey);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  const inRange = {
    candidateGroup: office,
    state: 'CREATED' as const,
    dueDate: { $gte: '2030-01-03T10:00:00Z', $lte: '2030-01-06T10:00:00Z' },
  };

  it('given tasks of a candidate group, when searching by group and due range sorted by due date, then the cursor pages walk forward and back', async () => {
    const first = await t.rest.searchUserTasks(
      { filter: inRange, sort: [{ field: 'dueDate', order: 'ASC' }], page: { limit: 3 } },
      now,
    );
    expect(first.items.map((x) => x.userTaskKey)).toEqual([1, 2, 3].map((d) => byDays.get(d)));
    expect(first.page).toMatchObject({ totalItems: 4, startCursor: expect.any(String), endCursor: expect.any(String) });
    const second = await t.rest.searchUserTasks(
      {
        filter: inRange,
        sort: [{ field: 'dueDate', order: 'ASC' }],
        page: { after: first.page.endCursor as EndCursor, limit: 3 },
      },
      now,
    );
    expect(second.items.map((x) => x.userTaskKey)).toEqual([byDays.get(4)]);
    expect(second.page.totalItems).toBe(4);
    const back = await t.rest.searchUserTasks(
      {
        filter: inRange,
        sort: [{ field: 'dueDate', order: 'ASC' }],
        page: { before: second.page.startCursor as StartCursor, limit: 2 },
      },
      now,
    );
    expect(back.items.map((x) => x.userTaskKey)).toEqual([2, 3].map((d) => byDays.get(d)));
    const end = await t.rest.searchUserTasks(
      {
        filter: inRange,
        sort: [{ field: 'dueDate', order: 'ASC' }],
        page: { after: second.page.endCursor as EndCursor },
      },
      now,
    );
    expect(end.items).toEqual([]);
    expect(end.page.endCursor).toBeUndefined();
  });

  it('given the same tasks, when paging by offset and sorting by priority descending, then from/limit pick the slice', async () => {
    const r = await t.rest.searchUserTasks(
      { filter: { candidateGroup: office }, sort: [{ field: 'priority', order: 'DESC' }], page: { from: 1, limit: 2 } },
      now,
    );
    expect(r.items.map((x) => x.priority)).toEqual([70, 50]);
    expect(r.page.totalItems).toBe(5);
    const walk: string[] = [];
    let after: EndCursor | undefined;
    for (;;) {
      const page = await t.rest.searchUserTasks(
        {
          filter: { candidateGroup: office },
          sort: [{ field: 'priority', order: 'DESC' }],
          page: after ? { after, limit: 2 } : { limit: 2 },
        },
        now,
      );
      if (!page.items.length) break;
      walk.push(...page.items.map((x) => String(x.priority)));
      after = page.page.endCursor;
    }
    expect(walk).toEqual(['90', '70', '50', '30', '10']);
  });

  it('given the documented filters, then each narrows the result', async () => {
    const keysOf = async (filter: Parameters<TestEngine['rest']['searchUserTasks']>[0]['filter']) =>
      (await t.rest.searchUserTasks({ filter, sort: [{ field: 'dueDate', order: 'ASC' }] }, now)).items.map(
        (x) => x.userTaskKey,
      );
    expect(await keysOf({ candidateGroup: { $in: [office, 'nobody'] }, priority: { $gte: 50 } })).toEqual(
      [2, 3, 4].map((d) => byDays.get(d)),
    );
    expect(
      await keysOf({
        candidateGroup: office,
        candidateUser: 'alice',
        elementId: ElementId.assumeExists('Task_Review'),
        followUpDate: { $lt: '2030-01-01T09:00:01Z' },
        priority: 30,
      }),
    ).toEqual([byDays.get(5)]);
    expect(await keysOf({ candidateGroup: 'other-office' })).toHaveLength(1);
    await t.rest.assignUserTask({ userTaskKey: byDays.get(3)!, assignee: 'vera' });
    expect(await keysOf({ assignee: 'vera' })).toEqual([byDays.get(3)]);
    expect(await keysOf({ candidateGroup: office, assignee: { $exists: false } })).toEqual(
      [1, 2, 4, 5].map((d) => byDays.get(d)),
    );
    await t.rest.completeUserTask({ userTaskKey: byDays.get(1)! });
    expect(await keysOf({ candidateGroup: office, state: 'COMPLETED' })).toEqual([byDays.get(1)]);
    expect(await keysOf({ candidateGroup: office, state: { $neq: 'COMPLETED' } })).toHaveLength(4);
  });

  it('given a bad page, cursor or sort, then 400 with a problem body', async () => {
    const base = t.engine.restAddress!;
    const search = (body: unknown) =>
      fetch(`${base}/v2/user-tasks/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...t.authHeaders },
        body: JSON.stringify(body),
      });
    for (const body of [
      { page: { from: 1, after: 'x' } },
      { page: { after: 'not-a-cursor' } },
      { page: { limit: 0 } },
      { sort: [{ field: 'assignee' }] },
      { sort: [{ field: 'priority', order: 'sideways' }] },
      { filter: { priority: { $regex: 1 } } },
    ]) {
      const res = await search(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({
        type: 'about:blank',
        title: 'INVALID_ARGUMENT',
        status: 400,
        detail: expect.any(String),
        instance: '/v2/user-tasks/search',
      });
    }
  });
});
