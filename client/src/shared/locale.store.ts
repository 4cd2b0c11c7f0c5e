import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { enUS, ruRU, ukUA, dateEnUS, dateRuRU, dateUkUA } from 'naive-ui';
import { DEFAULT_LOCALE, i18n, isLocale, type Locale } from './i18n';

const STORAGE_KEY = 'okno.locale';

function readStored(): Locale | null {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

/** The UI language: vue-i18n, naive-ui locales and the <html lang>, persisted in this browser. */
export const useLocaleStore = defineStore('locale', () => {
  const stored = readStored();
  const locale = ref<Locale>(stored ?? DEFAULT_LOCALE);
  /** Whether the language was chosen explicitly in this browser (then it wins over the profile). */
  const chosen = ref(stored !== null);

  function apply(l: Locale) {
    locale.value = l;
    i18n.global.locale.value = l;
    if (typeof document !== 'undefined') document.documentElement.lang = l;
  }

  /** Switches the language because the user picked it; remembers the choice. */
  function choose(l: Locale) {
    apply(l);
    chosen.value = true;
    try {
      localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  }

  /** Adopts the profile's language unless the user picked one in this browser; returns the language to save on the profile, if it differs. */
  function reconcile(profileLocale: string | null | undefined): Locale | null {
    if (chosen.value) return profileLocale === locale.value ? null : locale.value;
    if (isLocale(profileLocale)) apply(profileLocale);
    return null;
  }

  const naiveLocale = computed(() => ({ ru: ruRU, uk: ukUA, en: enUS })[locale.value]);
  const naiveDateLocale = computed(() => ({ ru: dateRuRU, uk: dateUkUA, en: dateEnUS })[locale.value]);

  apply(locale.value);
  return { locale, chosen, choose, reconcile, naiveLocale, naiveDateLocale };
});
