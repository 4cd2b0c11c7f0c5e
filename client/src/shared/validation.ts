import type { FormItemRule } from 'naive-ui';

type T = (key: string) => string;

/** naive-ui form rules with localized messages. */
export function rules(t: T) {
  return {
    required: (): FormItemRule => ({
      trigger: ['blur', 'input', 'change'],
      validator: (_rule, value: unknown) =>
        value !== null &&
        value !== undefined &&
        String(value).trim() !== '' &&
        !(Array.isArray(value) && value.length === 0)
          ? true
          : new Error(t('validation.required')),
    }),
    email: (): FormItemRule => ({
      trigger: ['blur'],
      validator: (_rule, value: unknown) =>
        !value || /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(String(value).trim()) ? true : new Error(t('validation.email')),
    }),
    phone: (): FormItemRule => ({
      trigger: ['blur'],
      validator: (_rule, value: unknown) =>
        !value || /^\+?\d{10,15}$/.test(String(value).replace(/[\s()\-.]/g, ''))
          ? true
          : new Error(t('validation.phone')),
    }),
    nonNegative: (): FormItemRule => ({
      trigger: ['blur', 'change'],
      validator: (_rule, value: unknown) =>
        value === null || value === undefined || (typeof value === 'number' && value >= 0)
          ? true
          : new Error(t('validation.number')),
    }),
    code: (): FormItemRule => ({
      trigger: ['blur', 'input'],
      validator: (_rule, value: unknown) =>
        !value || /^[a-z0-9][a-z0-9-]{1,63}$/.test(String(value).trim()) ? true : new Error(t('validation.code')),
    }),
  };
}
