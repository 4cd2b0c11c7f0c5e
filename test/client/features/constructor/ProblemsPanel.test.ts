import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import ProblemsPanel from '../../../../client/src/features/constructor/ProblemsPanel.vue';
import { i18n } from '../../../../client/src/shared/i18n';

const problem = (elementId: string, severity: 'error' | 'warning', message: string) => ({
  elementId,
  field: 'f',
  code: 'c',
  severity,
  message,
});

describe('ProblemsPanel', () => {
  it('asks to validate before the first run', () => {
    i18n.global.locale.value = 'ru';
    const w = mount(ProblemsPanel, {
      props: { problems: [], coverage: null, validated: false, validating: false, error: null },
      global: { plugins: [i18n] },
    });
    expect(w.text()).toContain('Нажмите «Проверить»');
  });

  it('lists errors before warnings with counts and the coverage verdict, and a click selects the problem', async () => {
    const coverage = {
      checked: 36,
      total: 36,
      tooLarge: false,
      limit: 20000,
      gaps: [],
      conflicts: [],
      gapCount: 2,
      conflictCount: 0,
    };
    const w = mount(ProblemsPanel, {
      props: {
        problems: [problem('Flow_1', 'warning', 'Лишний шлюз'), problem('Task_Intake', 'error', 'Нет срока')],
        coverage,
        validated: true,
        validating: false,
        error: null,
      },
      global: { plugins: [i18n] },
    });
    const items = w.findAll('[data-test="problem"]');
    expect(items.map((i) => i.text())).toEqual([
      expect.stringContaining('Task_Intake'),
      expect.stringContaining('Flow_1'),
    ]);
    expect(w.find('[data-test="problems-counts"]').text()).toBe('Ошибок: 1, предупреждений: 1');
    expect(w.text()).toContain('Комбинаций ответов без варианта: 2');
    await items[0].trigger('click');
    expect(w.emitted('select')![0]).toEqual([expect.objectContaining({ elementId: 'Task_Intake' })]);
  });
});
