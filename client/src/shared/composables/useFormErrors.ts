import { reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { ApiError } from '../../api/http';

/** Turns any thrown value into a message for the user, in the current language where we know the case. */
export function describeError(err: unknown, t: (key: string, values?: Record<string, unknown>) => string): string {
  if (err instanceof ApiError) {
    if (err.code === 'network_error') return t('errors.network');
    if (err.fields.length > 0 && err.status === 400) return t('errors.validation');
    if (err.status >= 500) return t('errors.generic');
    return err.message || t('errors.generic');
  }
  return t('errors.generic');
}

/**
 * Field errors of a form, filled from a server `ApiError` (`details.fields`) and shown next to the fields
 * with `:feedback="errors.fields.x"` and `:validation-status="errors.status('x')"`.
 */
export function useFormErrors() {
  const { t } = useI18n();
  const fields = reactive<Record<string, string | undefined>>({});
  const message = ref<string | null>(null);

  function clear() {
    for (const key of Object.keys(fields)) delete fields[key];
    message.value = null;
  }

  /** Shows an error: field messages next to fields, the rest as one message. Returns the error for chaining. */
  function capture(err: unknown): unknown {
    clear();
    if (err instanceof ApiError) {
      for (const f of err.fields) {
        const key = f.path.split('.')[0] || '_';
        fields[key] ??= f.message;
      }
    }
    message.value = describeError(err, t);
    return err;
  }

  /** The validation status for a field. */
  function status(key: string): 'error' | undefined {
    return fields[key] ? 'error' : undefined;
  }

  /** Forgets a field's server message once the user edits it. */
  function touch(key: string) {
    delete fields[key];
  }

  return { fields, message, clear, capture, status, touch };
}

/** What `useFormErrors()` returns. */
export type FormErrors = ReturnType<typeof useFormErrors>;
