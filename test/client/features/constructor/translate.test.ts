import { describe, expect, it } from 'vitest';
import { createTranslate, modelerRu, modelerUk } from '../../../../client/src/features/constructor/modeler/translate';

describe('modeler translations', () => {
  it('given the Ukrainian UI, then the palette, context pad and properties panel speak Ukrainian with placeholders filled', () => {
    const uk = createTranslate('uk');
    expect(uk('Create task')).toBe('Створити задачу');
    expect(uk('Append gateway')).toBe('Додати шлюз');
    expect(uk('Exclusive gateway')).toBe('Шлюз «виключне або»');
    expect(uk('Candidate groups')).toBe('Групи кандидатів');
    // The properties panel's header asks in title case.
    expect(uk('User Task')).toBe(uk('User task'));
    expect(uk('Open {element}', { element: 'Task_1' })).toBe('Відкрити Task_1');
  });

  it('given Ukrainian and Russian dictionaries, then Ukrainian covers every Russian label and none is left in Russian', () => {
    expect(Object.keys(modelerUk).sort()).toEqual(Object.keys(modelerRu).sort());
    // Letters that Ukrainian does not use betray a label copied from Russian.
    const russianOnly = Object.entries(modelerUk).filter(([, v]) => /[ыэёъ]/i.test(v));
    expect(russianOnly).toEqual([]);
    const same = Object.keys(modelerRu).filter((k) => modelerRu[k] === modelerUk[k] && /[а-яіїєґ]/i.test(modelerRu[k]));
    // Words spelled alike in both languages only.
    expect(
      same.every((k) =>
        [
          'Цикл',
          'Задача',
          'Форма',
          'Тип',
          'Ключ',
          'Таймер',
          'Дата',
          'Скрипт',
          'Сигнал',
          'Область',
          'Формат',
          'Заголовки',
        ].includes(modelerRu[k]),
      ),
    ).toBe(true);
  });
});
