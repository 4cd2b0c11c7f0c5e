import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h } from 'vue';
import { NMessageProvider } from 'naive-ui';
import { http } from '../../../client/src/api/http';
import { useAction } from '../../../client/src/shared/composables/useAction';
import { useFormErrors, type FormErrors } from '../../../client/src/shared/composables/useFormErrors';
import { i18n } from '../../../client/src/shared/i18n';
import { mockFetch } from '../helpers';

/** Mounts a component that uses the composable under a message provider, as the app does; returns what it built. */
function mountAction() {
  let action!: ReturnType<typeof useAction>;
  let form!: FormErrors;
  const Probe = defineComponent({
    setup() {
      form = useFormErrors();
      action = useAction();
      return () => null;
    },
  });
  mount(NMessageProvider, { slots: { default: () => h(Probe) }, global: { plugins: [i18n] }, attachTo: document.body });
  return { action, form };
}

const toasts = () => [...document.querySelectorAll('.n-message')].map((m) => m.textContent?.trim());

describe('useAction', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'ru';
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    document.body.innerHTML = '';
  });

  it('given an action that succeeds, when run with a success key, then it answers the value and toasts the translated text', async () => {
    // given
    mockFetch(() => ({ status: 200, body: { id: 5 } }));
    const { action } = mountAction();

    // when
    const result = await action.run(() => http.post<{ id: number }>('/api/things', { name: 'x' }), {
      success: 'common.saved',
    });
    await flushPromises();

    // then
    expect(result).toEqual({ ok: true, value: { id: 5 } });
    expect(toasts()).toEqual(['Сохранено']);
    expect(action.error.value).toBeNull();
  });

  it('given a success note computed from the result, when it is a warning, then the toast is a warning', async () => {
    mockFetch(() => ({ status: 200, body: { outcome: 'deactivated' } }));
    const { action } = mountAction();

    await action.run(() => http.delete<{ outcome: string }>('/api/things/5'), {
      success: (r) => ({ type: 'warning', text: `outcome: ${r.outcome}` }),
    });
    await flushPromises();

    expect(toasts()).toEqual(['outcome: deactivated']);
    expect(document.querySelector('.n-message--warning-type')).not.toBeNull();
  });

  it('given the API refuses with field errors, when run for a form, then the fields get the server messages and no toast is shown', async () => {
    // given
    mockFetch(() => ({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'Invalid input',
          details: {
            fields: [
              { path: 'email', message: 'Адрес занят' },
              { path: 'items.0.name', message: 'Пусто' },
            ],
          },
        },
      },
    }));
    const { action, form } = mountAction();
    form.fields.stale = 'from the last try';

    // when
    const result = await action.run(() => http.post('/api/things', {}), { form, success: 'common.saved' });
    await flushPromises();

    // then
    expect(result.ok).toBe(false);
    expect(form.fields).toEqual({ email: 'Адрес занят', items: 'Пусто' });
    expect(form.message.value).toBe('Проверьте заполнение полей');
    expect(form.status('email')).toBe('error');
    expect(toasts()).toEqual([]);
  });

  it('given the API refuses without a form, when run, then the server message is toasted; onError takes over when given', async () => {
    // given
    mockFetch(() => ({ status: 409, body: { error: { code: 'conflict', message: 'Код уже занят', details: {} } } }));
    const { action } = mountAction();

    // when
    const toasted = await action.run(() => http.post('/api/things', {}), { success: 'common.saved' });
    await flushPromises();

    // then
    expect(toasted.ok).toBe(false);
    expect(toasts()).toEqual(['Код уже занят']);
    expect(action.error.value).toMatchObject({ status: 409, code: 'conflict' });

    // when
    const seen: string[] = [];
    await action.run(() => http.post('/api/things', {}), { onError: (_err, text) => seen.push(text) });
    await flushPromises();

    // then
    expect(seen).toEqual(['Код уже занят']);
    expect(toasts()).toEqual(['Код уже занят']);
  });

  it('given a slow action, when it runs, then pending is true until it settles and a failure still ends it', async () => {
    // given
    const { action } = mountAction();
    let finish: () => void = () => undefined;
    let fail: (e: Error) => void = () => undefined;

    // when
    const first = action.run(() => new Promise<void>((resolve) => (finish = resolve)));
    // then
    expect(action.pending.value).toBe(true);

    // when
    finish();
    await first;
    // then
    expect(action.pending.value).toBe(false);

    // when
    const second = action.run(() => new Promise<void>((_resolve, reject) => (fail = reject)));
    expect(action.pending.value).toBe(true);
    fail(new Error('boom'));
    const result = await second;
    await flushPromises();

    // then
    expect(result.ok).toBe(false);
    expect(action.pending.value).toBe(false);
    expect(toasts()).toEqual(['Что-то пошло не так. Попробуйте ещё раз.']);
  });
});
