import { describe, expect, it, vi } from 'vitest';
import { nextTick } from 'vue';
import { usePaginatedList, type ListParams } from '../../../client/src/shared/composables/usePaginatedList';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('usePaginatedList', () => {
  it('loads pages, sorts with field/-field, and resets to page 1 on filter or search', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const seen: (ListParams & { unitId: number | null })[] = [];
    const list = usePaginatedList(
      async (p: ListParams & { unitId: number | null }) => {
        seen.push({ ...p });
        return { items: [{ id: p.page }], total: 45, page: p.page, pageSize: p.pageSize };
      },
      { filters: { unitId: null as number | null }, pageSize: 20, sort: 'fullName', debounceMs: 200 },
    );
    await vi.runAllTimersAsync();
    expect(seen.at(-1)).toMatchObject({ page: 1, pageSize: 20, sort: 'fullName', unitId: null });
    expect(list.total.value).toBe(45);

    list.onPageChange(3);
    await vi.runAllTimersAsync();
    expect(seen.at(-1)).toMatchObject({ page: 3 });

    list.onSorterChange({ columnKey: 'hiredOn', order: 'descend', sorter: true });
    await vi.runAllTimersAsync();
    expect(seen.at(-1)).toMatchObject({ page: 1, sort: '-hiredOn' });
    expect(list.sortOrderOf('hiredOn')).toBe('descend');
    expect(list.sortOrderOf('fullName')).toBe(false);

    list.filters.unitId = 5;
    await nextTick();
    await vi.runAllTimersAsync();
    expect(seen.at(-1)).toMatchObject({ page: 1, unitId: 5 });

    const before = seen.length;
    list.q.value = 'Ива';
    await nextTick();
    list.q.value = 'Иван';
    await nextTick();
    await vi.advanceTimersByTimeAsync(250);
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)).toMatchObject({ q: 'Иван' });
    vi.useRealTimers();
  });

  it('keeps only the newest answer and exposes errors', async () => {
    type Answer = { items: string[]; total: number; page: number; pageSize: number };
    let resolveFirst: (v: Answer) => void = () => undefined;
    let call = 0;
    const list = usePaginatedList(
      (p: ListParams): Promise<Answer> => {
        call++;
        if (call === 1) return new Promise<Answer>((r) => (resolveFirst = r));
        if (call === 2) return Promise.resolve({ items: ['new'], total: 1, page: p.page, pageSize: p.pageSize });
        return Promise.reject(new Error('boom'));
      },
      { filters: {} },
    );
    await list.load();
    resolveFirst({ items: ['old'], total: 1, page: 1, pageSize: 20 });
    await flush();
    expect(list.items.value).toEqual(['new']);
    await list.load();
    expect(list.error.value).toBeInstanceOf(Error);
    expect(list.loading.value).toBe(false);
  });
});
