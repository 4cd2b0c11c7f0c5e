import { computed, ref, shallowRef } from 'vue';
import { useI18n } from 'vue-i18n';
import { useMessage } from 'naive-ui';
import { ApiError } from '../../api/http';
import { describeError, type FormErrors } from './useFormErrors';

/** A note shown after success: plain text is a success toast; `type` picks another kind (e.g. a warning). */
export type ActionNote = string | { text: string; type: 'success' | 'warning' | 'info' };

export interface ActionOptions<R> {
  /** Said once the action succeeded: an i18n key, or a note computed from the result (`null`: say nothing). */
  success?: string | ((result: R) => ActionNote | null | undefined);
  /**
   * A form's errors (`useFormErrors()`): cleared before the action; on failure the server's field messages
   * (`details.fields`) go next to the fields and the rest into the form's message — no toast.
   */
  form?: FormErrors;
  /** Handles a failure instead of the toast (e.g. an inline alert); `text` is the error as the user should read it. */
  onError?: (err: unknown, text: string) => void;
}

export type ActionResult<R> = { ok: true; value: R } | { ok: false; error: unknown };

/**
 * Runs an action and tells the user how it went: `pending` while it runs, a translated success toast when asked,
 * and the server's error (`{ error: { code, message, details } }`) as a toast, in a form, or to `onError`.
 * `run` never throws and never resolves to `false` (a naive-ui dialog's `onPositiveClick` may return it as is).
 */
export function useAction(defaults: Pick<ActionOptions<unknown>, 'form' | 'onError'> = {}) {
  const { t } = useI18n();
  const message = useMessage();
  const running = ref(0);
  const pending = computed(() => running.value > 0);
  /** The last failure, until the next run starts. */
  const error = shallowRef<unknown>(null);

  async function run<R>(action: () => Promise<R>, options: ActionOptions<R> = {}): Promise<ActionResult<R>> {
    const form = options.form ?? defaults.form;
    const onError = options.onError ?? defaults.onError;
    running.value++;
    error.value = null;
    form?.clear();
    try {
      const value = await action();
      const note =
        typeof options.success === 'function' ? options.success(value) : options.success ? t(options.success) : null;
      if (typeof note === 'string') message.success(note);
      else if (note) message[note.type](note.text);
      return { ok: true, value };
    } catch (err) {
      error.value = err;
      if (form) form.capture(err);
      if (onError) onError(err, describeError(err, t));
      else if (!form) message.error(describeError(err, t));
      return { ok: false, error: err };
    } finally {
      running.value--;
    }
  }

  return { run, pending, error };
}

/** An error as one line: the server's field messages when it gave some (optionally with their paths), else `describeError`. */
export function describeErrorFields(err: unknown, t: (key: string) => string, withPath = false): string {
  if (err instanceof ApiError && err.fields.length)
    return err.fields.map((f) => (withPath ? `${f.path}: ${f.message}` : f.message)).join('; ');
  return describeError(err, t);
}
