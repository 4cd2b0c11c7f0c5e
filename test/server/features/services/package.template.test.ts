import { describe, expect, it } from 'vitest';
import type { ReferenceDocument } from '../../../../server/okno-moddle/index.js';
import { evaluate } from '../../../../server/okno-moddle/questionnaire.js';
import {
  generatePackage,
  mergeDocuments,
  memberSituation,
  type PackageMemberSource,
} from '../../../../server/features/services/package.template.js';
import { parseBpmn, type ServiceModel } from '../../../../server/features/services/services.moddle.js';
import { validateForm } from '../../../../server/features/services/services.validation.js';
import { loadSampleServices } from '../../../../server/features/services/services.seed.js';

const doc = (code: string, kind: string, v: Partial<ReferenceDocument> = {}): ReferenceDocument => ({
  code,
  kind,
  title: code,
  form: 'original',
  supplier: 'applicant',
  requiredFor: 'always',
  note: null,
  ...v,
});
const member = (code: string, documents: ReferenceDocument[]): PackageMemberSource => ({
  code,
  title: code,
  model: {
    processId: code,
    processName: code,
    executable: true,
    meta: null,
    situations: [],
    questions: [],
    documents,
    variants: [],
    members: [],
    userTasks: [],
    jobs: [],
    conditions: [],
    calledElements: [],
    elementCount: 0,
  } as ServiceModel,
});

describe('package template', () => {
  it('given two members needing the same kind of document, then it is listed once, required when either member is chosen', () => {
    const merged = mergeDocuments([
      member('a', [
        doc('D_Id', 'passport', { form: 'copy', supplier: 'interagency' }),
        doc('D_Poa', 'power-of-attorney', { requiredFor: ['EPredstav'] }),
      ]),
      member('b', [doc('D_Passport', 'passport'), doc('D_Only', 'only-b', { form: 'copy' })]),
    ]);
    expect(merged.map((d) => [d.code, d.kind, d.form, d.supplier, d.requiredFor])).toEqual([
      ['D_Id', 'passport', 'originalAndCopy', 'applicant', [memberSituation('a'), memberSituation('b')]],
      ['D_Poa', 'power-of-attorney', 'original', 'applicant', ['EPredstav']],
      ['D_Only', 'only-b', 'copy', 'applicant', ['S_b']],
    ]);
  });

  it('given two documents of different kinds with the same code, then the second gets the member in its code', () => {
    const merged = mergeDocuments([member('a-x', [doc('D_App', 'app-a')]), member('b-y', [doc('D_App', 'app-b')])]);
    expect(merged.map((d) => d.code)).toEqual(['D_App', 'D_App_b_y']);
  });

  it('given the housing samples, then the generated package parses, nests member questions under their choice and has two valid forms', async () => {
    const samples = await loadSampleServices();
    const members: PackageMemberSource[] = [];
    for (const code of ['housing-need', 'housing-subsidy']) {
      const s = samples.find((x) => x.code === code)!;
      members.push({ code, title: s.title, model: (await parseBpmn(s.xml)).model });
    }
    const { xml, forms } = generatePackage({ code: 'move', title: 'Переезд', department: 'mfc-central', members });
    const { model } = await parseBpmn(xml);
    expect(model.meta).toMatchObject({ code: 'move', kind: 'package', deadline: { value: 30, unit: 'workingDays' } });
    expect(model.members.map((m) => [m.service, m.requiredFor])).toEqual([
      ['housing-need', ['S_housing-need']],
      ['housing-subsidy', ['S_housing-subsidy']],
    ]);
    // Both ask "who applies" alike: asked once, first; the rest is nested under each member's choice.
    expect(model.questions.map((q) => q.id)).toEqual(['Q_Representative', 'Q_Services']);
    expect(model.questions[1].options[0].questions.map((q) => q.id)).toEqual([
      'housing_need__Q_Grounds',
      'housing_need__Q_Property',
    ]);
    expect(model.calledElements).toEqual([{ elementId: 'Activity_Members', processId: '=member.processId' }]);
    for (const f of forms) expect(validateForm(f, 'en')).toEqual([]);
    const e = evaluate(model, {
      Q_Representative: 'O_Representative',
      Q_Services: ['O_housing-subsidy'],
      housing_subsidy__Q_Tenure: 'housing_subsidy__O_Own',
      housing_subsidy__Q_Benefits: 'housing_subsidy__O_NoBenefits',
    });
    expect(e.problems).toEqual([]);
    expect(e.members.map((m) => m.service)).toEqual(['housing-subsidy']);
    const kinds = e.documents.map((d) => d.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['application:housing-subsidy', 'passport', 'power-of-attorney', 'egrn-extract']),
    );
    expect(kinds).not.toContain('application:housing-need');
  });
});
