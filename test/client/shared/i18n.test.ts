import { describe, expect, it } from 'vitest';
import { createOknoI18n, LOCALES, messages } from '../../../client/src/shared/i18n';

type Tree = { [key: string]: string | Tree };

function keysOf(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`),
  );
}

describe('UI strings', () => {
  const ruKeys = keysOf(messages.ru as unknown as Tree).sort();

  it.each(LOCALES)('%s has exactly the keys of ru, none empty', (locale) => {
    expect(keysOf(messages[locale] as unknown as Tree).sort()).toEqual(ruKeys);
  });

  it.each(LOCALES)('every %s message compiles and renders', (locale) => {
    const i18n = createOknoI18n(locale);
    for (const key of ruKeys) {
      const text = i18n.global.t(key, { n: 1, name: 'X', number: '1', created: 1, updated: 0, message: 'm' });
      expect(text, key).not.toBe('');
      expect(text, key).not.toBe(key);
    }
  });
});
