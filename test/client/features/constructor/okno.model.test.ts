import { describe, expect, it } from 'vitest';
import { BpmnModdle } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json';
import okno from '@okno-moddle/okno.json';
import xml from '../../../../workflows/advert-permit.bpmn?raw';
import {
  buildDocuments,
  buildQuestionnaire,
  buildService,
  buildStep,
  buildVariants,
  extensionOf,
  extensionsOf,
  readDocuments,
  readQuestions,
  readServiceCard,
  readServiceMeta,
  readSituations,
  readStep,
  readVariants,
  replaceExtension,
  type ModdleFactory,
  type ModdleNode,
} from '../../../../client/src/features/constructor/okno.model';
import { addQuestion } from '../../../../client/src/features/constructor/situationTree';

interface Moddle extends ModdleFactory {
  fromXML(xml: string): Promise<{ rootElement: ModdleNode }>;
  toXML(el: ModdleNode, opts?: { format?: boolean }): Promise<{ xml: string }>;
}

async function load(source = xml) {
  const moddle = new BpmnModdle({ zeebe, okno }) as unknown as Moddle;
  const { rootElement } = await moddle.fromXML(source);
  const process = (rootElement.rootElements as ModdleNode[]).find((e) => e.$type === 'bpmn:Process')!;
  const flow = process.flowElements as ModdleNode[];
  return { moddle, definitions: rootElement, process, task: (id: string) => flow.find((e) => e.id === id)! };
}

describe("Okno's extension elements on the client", () => {
  it('reads the service card, situations, the nested questionnaire and the document list', async () => {
    const { process } = await load();
    expect(readServiceCard(process)).toEqual({
      code: 'advert-permit',
      title: expect.stringContaining('рекламной конструкции'),
      department: 'dep-arch',
    });
    expect(readSituations(process).map((s) => s.code)).toContain('EReklBol');
    const questions = readQuestions(process);
    expect(questions.map((q) => q.id)).toEqual(['Q_ApplicantType', 'Q_Representative', 'Q_Owner', 'Q_Size']);
    expect(questions[2].options[1]).toMatchObject({
      id: 'O_NotOwner',
      situations: ['EZayavNeSoblm'],
      questions: [{ id: 'Q_ApartmentBuilding' }],
    });
    const docs = readDocuments(process);
    expect(docs.find((d) => d.code === 'D_Application')).toMatchObject({
      requiredFor: 'always',
      form: 'original',
      supplier: 'applicant',
    });
    expect(docs.find((d) => d.code === 'D_ApplicantId')?.requiredFor).toEqual(['EZayavFiz', 'EZayavIndPred']);
    expect(docs.find((d) => d.code === 'D_Egrul')).toMatchObject({ form: 'copy', supplier: 'interagency' });
  });

  it('reads a user task’s deadline, candidate group and checked documents', async () => {
    const { task } = await load();
    expect(readStep(task('Task_Intake'))).toMatchObject({
      deadline: 1,
      deadlineUnit: 'workingDays',
      candidateGroups: ['mfc-operators'],
    });
    expect(readStep(task('Task_Intake')).checks).toContain('D_StrengthReport');
  });

  it('writes an edited questionnaire, document list, variants and step that read back the same after XML round trip', async () => {
    const { moddle, definitions, process, task } = await load();
    const { questions } = addQuestion(readQuestions(process), 'O_Large', 'Конструкция с подсветкой?');
    const documents = [
      ...readDocuments(process),
      {
        code: 'D_Light',
        kind: 'light-project',
        title: 'Проект подсветки',
        form: 'copy' as const,
        supplier: 'applicant' as const,
        requiredFor: ['ELight'],
        note: null,
      },
    ];
    const ext = process.extensionElements as ModdleNode;
    const variants = [
      ...readVariants(process),
      {
        code: 'lit',
        title: 'С подсветкой',
        requires: ['ELight'],
        requiresAny: [],
        excludes: ['EReklBol'],
        deadline: { value: 25, unit: 'calendarDays' as const },
      },
    ];
    expect(variants[1]).toMatchObject({
      code: 'large',
      requires: ['EReklBol'],
      deadline: { value: 30, unit: 'workingDays' },
    });
    let values = replaceExtension(extensionsOf(process), 'okno:Questionnaire', buildQuestionnaire(moddle, questions));
    values = replaceExtension(values, 'okno:Documents', buildDocuments(moddle, documents));
    values = replaceExtension(values, 'okno:Variants', buildVariants(moddle, variants));
    const meta = { ...readServiceMeta(process)!, fee: 3500, deadline: { value: 15, unit: 'workingDays' as const } };
    expect(meta.channels.length).toBe(3);
    values = replaceExtension(values, 'okno:Service', buildService(moddle, meta));
    values.forEach((v) => (v.$parent = ext));
    ext.values = values;
    const intake = task('Task_Intake');
    const step = buildStep(moddle, { deadline: 3, deadlineUnit: 'calendarDays', checks: ['D_Application'] })!;
    const taskExt = intake.extensionElements as ModdleNode;
    taskExt.values = replaceExtension(extensionsOf(intake), 'okno:Step', step);

    const { xml: written } = await moddle.toXML(definitions, { format: true });
    const again = await load(written);
    expect(readQuestions(again.process)).toEqual(questions);
    expect(readDocuments(again.process)).toEqual(documents);
    expect(readVariants(again.process)).toEqual(variants);
    expect(readServiceMeta(again.process)).toEqual(meta);
    expect(readStep(again.task('Task_Intake'))).toMatchObject({
      deadline: 3,
      deadlineUnit: 'calendarDays',
      checks: ['D_Application'],
    });
    // The other extension elements stay where they were.
    expect(extensionsOf(again.process).map((e) => e.$type)).toEqual(extensionsOf(process).map((e) => e.$type));
    expect(extensionOf(again.process, 'okno:Variants')).toBeTruthy();
  });

  it('removes okno:step when a task has neither deadline nor checks', async () => {
    const { moddle } = await load();
    expect(buildStep(moddle, { deadline: null, deadlineUnit: 'workingDays', checks: [] })).toBeNull();
    const a = { $type: 'okno:Step' };
    const b = { $type: 'zeebe:UserTask' };
    expect(replaceExtension([b, a], 'okno:Step', null)).toEqual([b]);
    expect(replaceExtension([b], 'okno:Step', a)).toEqual([b, a]);
  });
});
