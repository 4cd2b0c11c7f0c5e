import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import { NDialogProvider, NFormItem, NInput } from 'naive-ui';
import { AddOutline } from '@vicons/ionicons5';
import ListEditor from '../../../client/src/shared/components/ListEditor.vue';
import { i18n } from '../../../client/src/shared/i18n';

interface Thing {
  code: string;
  title: string;
}
interface ThingDraft {
  code: string;
  title: string;
}

/** A screen that owns a list and edits it with the list editor, like the constructor's documents and variants. */
function mountEditor(initial: Thing[]) {
  const items = ref<Thing[]>(initial);
  const input = (draft: ThingDraft, field: keyof ThingDraft) =>
    h(NFormItem, { label: field, path: field }, () =>
      h(NInput, {
        value: draft[field],
        'onUpdate:value': (v: string) => (draft[field] = v),
        inputProps: { name: field },
      }),
    );
  const Host = defineComponent({
    setup: () => () =>
      h(NDialogProvider, null, {
        default: () =>
          h(
            ListEditor<Thing, ThingDraft>,
            {
              items: items.value,
              'onUpdate:items': (next: Thing[]) => (items.value = next),
              columns: [
                { key: 'code', title: 'Code' },
                { key: 'title', title: 'Title' },
              ],
              rowKey: (row: Thing) => row.code,
              toDraft: (row: Thing | null, list: Thing[]) => ({
                code: row?.code ?? `t${list.length + 1}`,
                title: row?.title ?? '',
              }),
              fromDraft: (d: ThingDraft) => ({ code: d.code.trim(), title: d.title.trim() }),
              keyRule: { path: 'code', pattern: /^[a-z][a-z0-9]*$/, invalid: 'Bad code', duplicate: 'Code taken' },
              title: 'Things',
              addLabel: 'Add a thing',
              emptyTitle: 'No things yet',
              emptyIcon: AddOutline,
              draftTitle: (d: ThingDraft) => d.title,
              removeTitle: 'Remove the thing?',
              removeText: (row: Thing) => `"${row.title}" goes away`,
              reorderable: true,
              testId: 'thing',
            },
            { form: ({ draft }: { draft: ThingDraft }) => [input(draft, 'code'), input(draft, 'title')] },
          ),
      }),
  });
  const wrapper = mount(Host, { global: { plugins: [i18n] }, attachTo: document.body });
  return { wrapper, items };
}

const rowCodes = () =>
  [...document.querySelectorAll('.n-data-table-tbody tr')].map((tr) => tr.querySelector('td')?.textContent?.trim());
const el = <E extends Element = HTMLElement>(selector: string) => {
  const found = document.querySelector<E>(selector);
  if (!found) throw new Error(`${selector} is not on the page`);
  return found;
};
async function type(name: string, value: string) {
  const input = el<HTMLInputElement>(`[data-test="thing-form"] input[name="${name}"]`);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await flushPromises();
}
async function submitForm() {
  el('[data-test="thing-form"] form').dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  await flushPromises();
  await new Promise((r) => setTimeout(r, 0));
  await flushPromises();
}
const click = async (target: Element | undefined) => {
  (target as HTMLElement).click();
  await flushPromises();
};

describe('ListEditor', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('given an empty list, when a row is added through the form, then the list has it', async () => {
    // given
    const { items } = mountEditor([]);
    expect(document.body.textContent).toContain('No things yet');

    // when
    await click(el('[data-test="thing-add"]'));
    expect(el('[data-test="thing-form"]').textContent).toContain('Add a thing');
    expect(el<HTMLInputElement>('[data-test="thing-form"] input[name="code"]').value).toBe('t1');
    await type('code', 'lamp');
    await type('title', ' Desk lamp ');
    await submitForm();

    // then
    expect(items.value).toEqual([{ code: 'lamp', title: 'Desk lamp' }]);
    expect(rowCodes()).toEqual(['lamp']);
  });

  it('given a row with a code, when another row is saved with the same or a malformed code, then the form says why and the list stays', async () => {
    // given
    const { items } = mountEditor([{ code: 'lamp', title: 'Desk lamp' }]);
    await click(el('[data-test="thing-add"]'));

    // when
    await type('code', 'lamp');
    await type('title', 'Another');
    await submitForm();

    // then
    expect(el('[data-test="thing-form"]').textContent).toContain('Code taken');
    expect(items.value).toHaveLength(1);

    // when
    await type('code', '9lives');
    await submitForm();

    // then
    expect(el('[data-test="thing-form"]').textContent).toContain('Bad code');
    expect(items.value).toHaveLength(1);
  });

  it('given a row, when it is edited inline in the form, then it is replaced in place and may keep its own code', async () => {
    const { items } = mountEditor([
      { code: 'lamp', title: 'Desk lamp' },
      { code: 'chair', title: 'Chair' },
    ]);

    await click(document.querySelectorAll('[data-test="thing-edit"]')[0]);
    expect(el('[data-test="thing-form"]').textContent).toContain('Desk lamp');
    await type('title', 'Floor lamp');
    await submitForm();

    expect(items.value).toEqual([
      { code: 'lamp', title: 'Floor lamp' },
      { code: 'chair', title: 'Chair' },
    ]);
  });

  it('given three rows, when rows are moved up and down, then the order follows and the ends cannot move further', async () => {
    // given
    const { items } = mountEditor([
      { code: 'a', title: 'A' },
      { code: 'b', title: 'B' },
      { code: 'c', title: 'C' },
    ]);
    const ups = () => [...document.querySelectorAll<HTMLButtonElement>('[data-test="thing-up"]')];
    const downs = () => [...document.querySelectorAll<HTMLButtonElement>('[data-test="thing-down"]')];
    expect(ups()[0].disabled).toBe(true);
    expect(downs()[2].disabled).toBe(true);

    // when
    await click(downs()[0]);
    // then
    expect(items.value.map((i) => i.code)).toEqual(['b', 'a', 'c']);
    expect(rowCodes()).toEqual(['b', 'a', 'c']);

    // when
    await click(ups()[2]);
    // then
    expect(items.value.map((i) => i.code)).toEqual(['b', 'c', 'a']);
  });

  it('given two rows, when one is removed and the dialog confirmed, then only the other is left', async () => {
    // given
    const { items } = mountEditor([
      { code: 'lamp', title: 'Desk lamp' },
      { code: 'chair', title: 'Chair' },
    ]);

    // when
    await click(document.querySelectorAll('[data-test="thing-remove"]')[0]);
    const dialog = el('.n-dialog');
    expect(dialog.textContent).toContain('Remove the thing?');
    expect(dialog.textContent).toContain('"Desk lamp" goes away');
    await click([...dialog.querySelectorAll('button')].find((b) => b.textContent?.includes('Delete')));

    // then
    expect(items.value).toEqual([{ code: 'chair', title: 'Chair' }]);
    expect(rowCodes()).toEqual(['chair']);
  });
});
