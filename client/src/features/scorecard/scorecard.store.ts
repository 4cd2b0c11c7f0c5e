import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import {
  scorecardApi,
  type FactInput,
  type Indicator,
  type Matrix,
  type MatrixAction,
  type NewRowInput,
} from './scorecard.api';

/** The matrix on screen (own or a team member's) and the indicator sources that decide which facts people type. */
export const useScorecardStore = defineStore('scorecard', () => {
  const matrix = shallowRef<Matrix | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);
  /** The viewer has no matrix for the chosen month. */
  const missing = ref(false);
  const busy = ref(false);
  const indicators = shallowRef<Indicator[]>([]);
  let seq = 0;

  /** Loads the indicators once (their source tells which facts come from people). */
  async function loadIndicators(): Promise<void> {
    if (indicators.value.length) return;
    try {
      indicators.value = (await scorecardApi.indicators()).items;
    } catch {
      // Without sources the server still refuses facts of imported indicators, with a field error.
    }
  }

  /** The source of an indicator by code (undefined when unknown). */
  function sourceOf(code: string): string | undefined {
    return indicators.value.find((i) => i.code === code)?.source;
  }

  async function track(load: () => Promise<Matrix | null>): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    missing.value = false;
    try {
      const m = await load();
      if (mine !== seq) return;
      matrix.value = m;
      missing.value = m === null;
    } catch (err) {
      if (mine === seq) {
        matrix.value = null;
        error.value = err;
      }
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** Loads the viewer's own matrix of a month (`YYYY-MM`); `missing` when there is none. */
  function loadMine(month: string): Promise<void> {
    return track(async () => {
      const year = Number(month.slice(0, 4));
      const page = await scorecardApi.matrices.mine({ year, pageSize: 50 });
      const item = page.items.find((i) => i.month === month);
      return item ? scorecardApi.matrices.get(item.id) : null;
    });
  }

  /** Loads one matrix by id. */
  function load(id: number): Promise<void> {
    return track(() => scorecardApi.matrices.get(id));
  }

  async function act<T extends Matrix>(call: () => Promise<T>): Promise<T> {
    busy.value = true;
    try {
      const m = await call();
      matrix.value = m;
      return m;
    } finally {
      busy.value = false;
    }
  }

  /** Saves typed facts; the answer is the recomputed matrix. Throws the ApiError (field errors) on refusal. */
  function saveFacts(facts: FactInput[]): Promise<Matrix> {
    const m = matrix.value;
    if (!m) return Promise.reject(new Error('No matrix'));
    return act(() => scorecardApi.matrices.facts(m.id, facts));
  }

  /** Moves the matrix through its workflow. */
  function transition(action: MatrixAction, comment?: string): Promise<Matrix> {
    const m = matrix.value;
    if (!m) return Promise.reject(new Error('No matrix'));
    return act(() => scorecardApi.matrices.transition(m.id, action, comment));
  }

  /** Changes the worked days / planned working days (managers). */
  function patchDays(patch: { workedDays?: number; plannedWorkingDays?: number }): Promise<Matrix> {
    const m = matrix.value;
    if (!m) return Promise.reject(new Error('No matrix'));
    return act(() => scorecardApi.matrices.patch(m.id, patch));
  }

  /** Adds a task to the matrix (a variable SMART task); the answer is the recomputed matrix. */
  function addRow(input: NewRowInput): Promise<Matrix> {
    const m = matrix.value;
    if (!m) return Promise.reject(new Error('No matrix'));
    return act(() => scorecardApi.matrices.addRow(m.id, input));
  }

  /** Removes a task added to the matrix. */
  function deleteRow(rowId: number): Promise<Matrix> {
    const m = matrix.value;
    if (!m) return Promise.reject(new Error('No matrix'));
    return act(() => scorecardApi.matrices.deleteRow(m.id, rowId));
  }

  /** Forgets the matrix on screen (leaving the page). */
  function clear(): void {
    seq++;
    matrix.value = null;
    missing.value = false;
    error.value = null;
    loading.value = false;
  }

  return {
    matrix,
    loading,
    error,
    missing,
    busy,
    indicators,
    loadIndicators,
    sourceOf,
    loadMine,
    load,
    saveFacts,
    transition,
    patchDays,
    addRow,
    deleteRow,
    clear,
  };
});
