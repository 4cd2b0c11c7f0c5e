import { computed, reactive, ref, shallowRef, watch, type Ref } from 'vue';
import type { DataTableSortState, PaginationProps } from 'naive-ui';
import type { Page, QueryValue } from '../../api/http';

export type ListParams = {
  page: number;
  pageSize: number;
  sort?: string;
  q?: string;
};

export interface PaginatedListOptions<F extends Record<string, QueryValue>> {
  filters: F;
  pageSize?: number;
  sort?: string;
  /** Milliseconds to wait after typing in the search box. */
  debounceMs?: number;
  /** Load immediately (default true). */
  immediate?: boolean;
}

/**
 * State of a remote list (`{ items, total, page, pageSize }` endpoints): paging, sorting (`field` / `-field`),
 * search and filters, with naive-ui table bindings. Out-of-order answers are ignored.
 */
export function usePaginatedList<T, F extends Record<string, QueryValue>>(
  fetchPage: (params: ListParams & F) => Promise<Page<T>>,
  options: PaginatedListOptions<F>,
) {
  const items = shallowRef<T[]>([]) as Ref<T[]>;
  const total = ref(0);
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 20);
  const sort = ref<string | undefined>(options.sort);
  const q = ref('');
  const filters = reactive({ ...options.filters }) as F;
  const loading = ref(false);
  const error = ref<unknown>(null);
  let seq = 0;

  /** Loads the current page. */
  async function load(): Promise<void> {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const answer = await fetchPage({
        ...(filters as F),
        page: page.value,
        pageSize: pageSize.value,
        sort: sort.value,
        q: q.value.trim() || undefined,
      });
      if (mine !== seq) return;
      items.value = answer.items;
      total.value = answer.total;
      // The list shrank under us (e.g. after a delete): step back to the last page.
      if (answer.items.length === 0 && answer.total > 0 && page.value > 1) {
        page.value = Math.max(1, Math.ceil(answer.total / pageSize.value));
        await load();
      }
    } catch (err) {
      if (mine === seq) error.value = err;
    } finally {
      if (mine === seq) loading.value = false;
    }
  }

  /** Goes back to the first page and loads. */
  function reset(): Promise<void> {
    page.value = 1;
    return load();
  }

  let timer: ReturnType<typeof setTimeout> | undefined;
  watch(q, () => {
    clearTimeout(timer);
    timer = setTimeout(() => void reset(), options.debounceMs ?? 300);
  });
  watch(
    () => ({ ...filters }),
    () => void reset(),
    { deep: true },
  );

  const pagination = computed<PaginationProps>(() => ({
    page: page.value,
    pageSize: pageSize.value,
    itemCount: total.value,
    showSizePicker: true,
    pageSizes: [10, 20, 50, 100],
    prefix: ({ itemCount }) => `${itemCount ?? 0}`,
  }));

  function onPageChange(p: number) {
    page.value = p;
    void load();
  }
  function onPageSizeChange(size: number) {
    pageSize.value = size;
    page.value = 1;
    void load();
  }
  /** Applies a naive-ui sorter change (`columnKey` is the API field). */
  function onSorterChange(state: DataTableSortState | DataTableSortState[] | null) {
    const s = Array.isArray(state) ? state[0] : state;
    sort.value = s && s.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined;
    page.value = 1;
    void load();
  }
  /** The naive-ui sort order of a column, for controlled sorting. */
  function sortOrderOf(key: string): 'ascend' | 'descend' | false {
    if (sort.value === key) return 'ascend';
    if (sort.value === `-${key}`) return 'descend';
    return false;
  }

  if (options.immediate !== false) void load();

  return {
    items,
    total,
    page,
    pageSize,
    sort,
    q,
    filters,
    loading,
    error,
    load,
    reset,
    pagination,
    onPageChange,
    onPageSizeChange,
    onSorterChange,
    sortOrderOf,
  };
}
