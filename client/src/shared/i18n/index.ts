import { createI18n } from 'vue-i18n';
import ru, { type MessageSchema } from './ru';
import uk from './uk';
import en from './en';
import { LOCALES, type Locale } from '@contract/enums';

/** The languages of the interface: the API contract's (server/contract/enums.ts). */
export { LOCALES, type Locale };
export const DEFAULT_LOCALE: Locale = 'ru';

/** Whether a value is one of the supported UI languages. */
export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** East Slavic plural forms: 1 / 2–4 / 5+ (choice order in messages: one | few | many). */
function slavicPlural(choice: number, choicesLength: number): number {
  if (choicesLength < 3) return choice === 1 ? 0 : 1;
  const n = Math.abs(choice) % 100;
  const n1 = n % 10;
  if (n > 10 && n < 20) return 2;
  if (n1 === 1) return 0;
  if (n1 >= 2 && n1 <= 4) return 1;
  return 2;
}

/** The messages of every language; uk and en are typed against ru, so keys cannot drift. */
export const messages: Record<Locale, MessageSchema> = { ru, uk, en };

/** Creates the vue-i18n instance (composition mode) starting in the given language. */
export function createOknoI18n(locale: Locale = DEFAULT_LOCALE) {
  return createI18n<[MessageSchema], Locale, false>({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages,
    pluralRules: { ru: slavicPlural, uk: slavicPlural },
    missingWarn: false,
    fallbackWarn: false,
  });
}

export const i18n = createOknoI18n();
