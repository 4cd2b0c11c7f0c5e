import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { createMemoryHistory } from 'vue-router';
import App from '../../../../client/src/App.vue';
import { createOknoRouter } from '../../../../client/src/router';
import { i18n } from '../../../../client/src/shared/i18n';
import { setCsrfToken } from '../../../../client/src/api/http';
import { mockFetch, userWith, type RecordedCall } from '../../helpers';

// The server's clock, as /api/auth/me tells it: the screen's "this month" is the server's, whatever the browser's clock says.
const clock = { now: '2026-06-15T07:00:00Z', timeZone: 'Europe/Moscow' };
const month = '2026-06';
const base = {
  indicatorId: null,
  indicatorCode: null,
  planItemId: null,
  cascadedFromRowId: null,
  direction: 'higher',
  weight: null,
  planDate: null,
  factDate: null,
  t0: 50,
  tmax: 120,
  note: null,
  sort: 0,
};
const matrix = {
  id: 41,
  month,
  status: 'draft',
  employee: {
    id: 5,
    fullName: 'Лебедева Ольга Николаевна',
    position: 'Главный специалист',
    unitId: 3,
    unitName: 'Отдел учета',
    personnelNumber: '1005',
  },
  salary: 55000,
  maxBonusSalaries: 1.2,
  sections: { kpi: 30, smart: 30, discipline: 30, evaluation: 10 },
  plannedWorkingDays: 21,
  workedDays: 21,
  rows: [
    {
      ...base,
      id: 1,
      section: 'kpi',
      kind: 'kpi',
      title: 'Рассмотрено заявлений',
      indicatorCode: 'applications-processed',
      unit: 'count',
      effectiveWeight: 15,
      planValue: 40,
      factValue: 38,
      completion: 95,
      completionAdjusted: 95,
      total: 14.25,
    },
    {
      ...base,
      id: 2,
      section: 'kpi',
      kind: 'kpi',
      title: 'Обслужено посетителей',
      indicatorCode: 'visits-served',
      unit: 'count',
      effectiveWeight: 15,
      planValue: 300,
      factValue: 341,
      completion: 113.7,
      completionAdjusted: 113.7,
      total: 17.05,
    },
    {
      ...base,
      id: 3,
      section: 'smart',
      kind: 'smart_constant',
      title: 'Отчет до 25 числа',
      unit: 'date',
      effectiveWeight: 30,
      planValue: null,
      planDate: `${month}-25`,
      factValue: null,
      completion: null,
      completionAdjusted: 0,
      total: 0,
    },
    {
      ...base,
      id: 4,
      section: 'discipline',
      kind: 'discipline',
      title: 'Исполнительская дисциплина',
      indicatorCode: 'executive-discipline',
      unit: 'percent',
      effectiveWeight: 30,
      planValue: 100,
      factValue: 92,
      completion: 92,
      completionAdjusted: 92,
      total: 27.6,
    },
    {
      ...base,
      id: 5,
      section: 'evaluation',
      kind: 'evaluation',
      title: 'Оценка руководителя',
      unit: 'score',
      effectiveWeight: 10,
      planValue: 100,
      factValue: null,
      completion: null,
      completionAdjusted: 0,
      total: 0,
    },
  ],
  result: 58.9,
  bonusSalaries: 0.7068,
  workedTimeCoefficient: 1,
  bonusToPay: 0.7,
  bonusAmount: 38500,
  computedAt: null,
  workflow: { confirmed: null, agreed: null, approved: null, locked: null },
  history: [],
  allowedActions: ['confirm'],
  editable: 'own',
};

async function mountMine(answer: (c: RecordedCall) => { status: number; body?: unknown } | undefined) {
  const calls = mockFetch((c) => {
    const own = answer(c);
    if (own) return own;
    if (c.url === '/api/auth/me')
      return { status: 200, body: { user: userWith(['specialist'], { employeeId: 5 }), csrfToken: 't', clock } };
    if (c.url.startsWith('/api/scorecard/matrices/mine'))
      return { status: 200, body: { items: [{ id: 41, month, status: 'draft' }], total: 1, page: 1, pageSize: 50 } };
    if (c.url === '/api/scorecard/matrices/41') return { status: 200, body: matrix };
    if (c.url === '/api/scorecard/indicators')
      return {
        status: 200,
        body: {
          items: [
            { id: 1, code: 'applications-processed', source: 'manual' },
            { id: 2, code: 'visits-served', source: 'import' },
            { id: 3, code: 'executive-discipline', source: 'manual' },
          ],
        },
      };
    return { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
  });
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createOknoRouter(pinia, createMemoryHistory());
  await router.push('/scorecard');
  await router.isReady();
  const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body });
  await flushPromises();
  await vi.waitFor(() => expect(wrapper.find('[data-test="matrix-table"]').exists()).toBe(true), { timeout: 5000 });
  return { wrapper, router, calls };
}

describe('My matrix', () => {
  beforeEach(() => {
    setCsrfToken(null);
    localStorage.clear();
    i18n.global.locale.value = 'ru';
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('an employee lands on their matrix: the paper form sections, the bonus, and inputs only where they type facts', async () => {
    const { wrapper, router } = await mountMine(() => undefined);
    expect(router.currentRoute.value.name).toBe('scorecard-my');
    const sections = wrapper.findAll('tr[data-section]').map((r) => r.attributes('data-section'));
    expect(sections).toEqual(['kpi', 'smartConstant', 'discipline', 'evaluation']);
    // Own manual KPI and the date task: inputs. Imported KPI, discipline, evaluation: read-only.
    expect(wrapper.find('tr[data-row="1"] input').exists()).toBe(true);
    expect(wrapper.find('tr[data-row="3"] input').exists()).toBe(true);
    expect(wrapper.find('tr[data-row="2"] input').exists()).toBe(false);
    expect(wrapper.find('tr[data-row="4"] input').exists()).toBe(false);
    expect(wrapper.find('tr[data-row="5"] input').exists()).toBe(false);
    expect(wrapper.find('[data-test="matrix-result"]').text()).toBe('58,9');
    expect(wrapper.find('[data-test="bonus-to-pay"]').text()).toBe('0,7');
    expect(wrapper.find('[data-test="action-confirm"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="action-agree"]').exists()).toBe(false);
  });

  it('shows the server field error next to the row whose fact was refused, and sends only changed facts', async () => {
    const { wrapper, calls } = await mountMine((c) =>
      c.method === 'PUT'
        ? {
            status: 400,
            body: {
              error: {
                code: 'validation',
                message: 'Facts are invalid',
                details: { fields: [{ path: 'facts.0.factValue', message: 'Слишком много для этого месяца' }] },
              },
            },
          }
        : undefined,
    );
    await wrapper.find('tr[data-row="1"] input').setValue('39');
    await flushPromises();
    await wrapper.find('[data-test="save-facts"]').trigger('click');
    await flushPromises();
    const put = calls.find((c) => c.method === 'PUT');
    expect(put?.body).toEqual({ facts: [{ rowId: 1, factValue: 39 }] });
    await vi.waitFor(() =>
      expect(wrapper.find('[data-test="fact-error-1"]').text()).toBe('Слишком много для этого месяца'),
    );
    expect(wrapper.find('[data-test="matrix-error"]').exists()).toBe(true);
  });

  it('says so when there is no matrix for the month, and the employee creates it', async () => {
    let created = false;
    const calls = mockFetch((c) => {
      if (c.url === '/api/auth/me')
        return { status: 200, body: { user: userWith(['specialist'], { employeeId: 5 }), csrfToken: 't', clock } };
      if (c.url.startsWith('/api/scorecard/matrices/mine'))
        return {
          status: 200,
          body: created
            ? { items: [{ id: 41, month }], total: 1, page: 1, pageSize: 50 }
            : { items: [], total: 0, page: 1, pageSize: 50 },
        };
      if (c.url === '/api/scorecard/matrices' && c.method === 'POST') {
        created = true;
        return { status: 201, body: matrix };
      }
      if (c.url === '/api/scorecard/matrices/41') return { status: 200, body: matrix };
      return { status: 200, body: { items: [] } };
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    const router = createOknoRouter(pinia, createMemoryHistory());
    await router.push('/scorecard/my');
    await router.isReady();
    const wrapper = mount(App, { global: { plugins: [pinia, router, i18n] }, attachTo: document.body });
    await flushPromises();
    await vi.waitFor(
      () => expect(wrapper.find('[data-test="empty-state"]').text()).toContain('Матрицы за этот месяц нет'),
      { timeout: 5000 },
    );
    expect(calls.some((c) => c.url.startsWith('/api/scorecard/matrices/mine'))).toBe(true);
    await wrapper.find('[data-test="create-matrix"]').trigger('click');
    await vi.waitFor(() => expect(wrapper.find('[data-test="matrix-table"]').exists()).toBe(true), { timeout: 5000 });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ employeeId: 5, month });
  });

  it('an employee is kept out of the admin pages of the section', async () => {
    const { router } = await mountMine(() => undefined);
    await router.push('/scorecard/methodology');
    expect(router.currentRoute.value.name).toBe('forbidden');
  });
});
