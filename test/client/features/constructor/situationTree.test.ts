import { describe, expect, it } from 'vitest';
import type { Question, ReferenceDocument } from '@okno-moddle/index';
import {
  addOption,
  addQuestion,
  addSituation,
  attachDocuments,
  canMove,
  keyOfId,
  moveNode,
  parseKey,
  removeNode,
  toTreeNodes,
  updateNode,
  usedCodes,
} from '../../../../client/src/features/constructor/situationTree';
import { problemTarget } from '../../../../client/src/features/constructor/problemTarget';

/** The advertising permit's questionnaire, cut down: applicant type, and ownership with a nested question. */
const questions = (): Question[] => [
  {
    id: 'Q_ApplicantType',
    text: 'Кто является заявителем?',
    mode: 'single',
    followUp: false,
    options: [
      { id: 'O_LegalEntity', text: 'Юридическое лицо', situations: ['EZayavYr'], next: [], questions: [] },
      { id: 'O_Individual', text: 'Физическое лицо', situations: ['EZayavFiz'], next: [], questions: [] },
    ],
  },
  {
    id: 'Q_Owner',
    text: 'Заявитель — собственник?',
    mode: 'single',
    followUp: false,
    options: [
      { id: 'O_Owner', text: 'Да', situations: [], next: [], questions: [] },
      {
        id: 'O_NotOwner',
        text: 'Нет',
        situations: ['EZayavNeSoblm'],
        next: ['Q_Followup'],
        questions: [
          {
            id: 'Q_ApartmentBuilding',
            text: 'Общее имущество МКД?',
            mode: 'single',
            followUp: false,
            options: [{ id: 'O_ApartmentBuilding', text: 'Да', situations: ['EIsplmDom'], next: [], questions: [] }],
          },
        ],
      },
    ],
  },
  { id: 'Q_Followup', text: 'Уточнение', mode: 'single', followUp: true, options: [] },
];

const doc = (code: string, requiredFor: ReferenceDocument['requiredFor']): ReferenceDocument => ({
  code,
  kind: code,
  title: code,
  form: 'original',
  supplier: 'applicant',
  requiredFor,
  note: null,
});

describe('life-situation tree', () => {
  it('shows questions, options, situation codes and the documents each situation requires', () => {
    const nodes = toTreeNodes(
      questions(),
      [doc('D_Consent', ['EZayavNeSoblm']), doc('D_Application', 'always')],
      new Map([['EZayavNeSoblm', 'Не собственник']]),
    );
    expect(nodes.map((n) => n.key)).toEqual(['q:Q_ApplicantType', 'q:Q_Owner', 'q:Q_Followup']);
    const notOwner = nodes[1].children![1];
    expect(notOwner).toMatchObject({ key: 'o:O_NotOwner', kind: 'option', codes: ['EZayavNeSoblm'] });
    expect(notOwner.children!.map((c) => c.key)).toEqual(['s:O_NotOwner:EZayavNeSoblm', 'q:Q_ApartmentBuilding']);
    expect(notOwner.children![0]).toMatchObject({
      label: 'EZayavNeSoblm — Не собственник',
      documents: ['D_Consent'],
      isLeaf: true,
    });
  });

  it('adds a top-level question, an option and a nested question with fresh ids, leaving the input untouched', () => {
    const before = questions();
    const { questions: q1, id: qid } = addQuestion(before, null, 'Площадь конструкции');
    expect(qid).toMatch(/^Q_\d+$/);
    expect(q1.at(-1)).toMatchObject({ id: qid, text: 'Площадь конструкции', mode: 'single', options: [] });
    const { questions: q2, id: oid } = addOption(q1, qid, 'Более 15 м²');
    const { questions: q3, id: nested } = addQuestion(q2, oid, 'Подсветка?');
    expect(q3.at(-1)!.options[0]).toMatchObject({ id: oid, questions: [{ id: nested, text: 'Подсветка?' }] });
    expect(new Set([qid, oid, nested]).size).toBe(3);
    expect(before).toEqual(questions());
  });

  it('never reuses an id the diagram already has', () => {
    const { id } = addQuestion(questions(), null, 'x', (candidate) => candidate === 'Q_9' || candidate === 'Q_10');
    expect(['Q_9', 'Q_10']).not.toContain(id);
  });

  it('adds a situation code to an option once', () => {
    let q = addSituation(questions(), 'O_Owner', 'EOwner');
    q = addSituation(q, 'O_Owner', 'EOwner');
    expect(q[1].options[0].situations).toEqual(['EOwner']);
    expect(usedCodes(q)).toContain('EOwner');
  });

  it('edits text and answer mode', () => {
    const q = updateNode(questions(), 'q:Q_ApplicantType', { text: 'Кто заявитель?', mode: 'multiple' });
    expect(q[0]).toMatchObject({ text: 'Кто заявитель?', mode: 'multiple' });
    expect(updateNode(q, 'o:O_Individual', { text: 'Гражданин' })[0].options[1].text).toBe('Гражданин');
  });

  it('removes a situation code, an option with its nested questions, and references to removed questions', () => {
    expect(removeNode(questions(), 's:O_NotOwner:EZayavNeSoblm')[1].options[1].situations).toEqual([]);
    const q = removeNode(questions(), 'q:Q_Followup');
    expect(q.map((x) => x.id)).toEqual(['Q_ApplicantType', 'Q_Owner']);
    expect(q[1].options[1].next).toEqual([]);
    const noOption = removeNode(questions(), 'o:O_NotOwner');
    expect(keyOfId(noOption, 'Q_ApartmentBuilding')).toBeNull();
  });

  it('reorders questions, options and situation codes among their siblings', () => {
    expect(moveNode(questions(), 'q:Q_Owner', -1).map((x) => x.id)).toEqual([
      'Q_Owner',
      'Q_ApplicantType',
      'Q_Followup',
    ]);
    expect(moveNode(questions(), 'o:O_LegalEntity', 1)[0].options.map((o) => o.id)).toEqual([
      'O_Individual',
      'O_LegalEntity',
    ]);
    expect(canMove(questions(), 'q:Q_ApplicantType', -1)).toBe(false);
    expect(canMove(questions(), 'q:Q_ApartmentBuilding', 1)).toBe(false);
    expect(moveNode(questions(), 'q:Q_ApplicantType', -1)).toEqual(questions());
    const twoCodes = addSituation(questions(), 'O_Owner', 'A');
    const moved = moveNode(addSituation(twoCodes, 'O_Owner', 'B'), 's:O_Owner:B', -1);
    expect(moved[1].options[0].situations).toEqual(['B', 'A']);
  });

  it('parses keys and finds the key of a problem element id', () => {
    expect(parseKey('s:O_1:E_Code')).toEqual({ kind: 'situation', optionId: 'O_1', code: 'E_Code' });
    expect(parseKey('x:1')).toBeNull();
    expect(keyOfId(questions(), 'Q_ApartmentBuilding')).toBe('q:Q_ApartmentBuilding');
    expect(keyOfId(questions(), 'O_ApartmentBuilding')).toBe('o:O_ApartmentBuilding');
    expect(keyOfId(questions(), 'Task_Intake')).toBeNull();
  });

  it('attaches documents to a situation and says which ones fall back to "always"', () => {
    const docs = [
      doc('D_Consent', ['EZayavNeSoblm']),
      doc('D_Minutes', ['EIsplmDom', 'EZayavNeSoblm']),
      doc('D_Extract', ['EZayavYr']),
      doc('D_Application', 'always'),
    ];
    const { documents, nowAlways } = attachDocuments(docs, 'EZayavNeSoblm', ['D_Extract']);
    expect(documents.map((d) => [d.code, d.requiredFor])).toEqual([
      ['D_Consent', 'always'],
      ['D_Minutes', ['EIsplmDom']],
      ['D_Extract', ['EZayavYr', 'EZayavNeSoblm']],
      ['D_Application', 'always'],
    ]);
    // A document required always that is picked becomes specific to the situation.
    expect(attachDocuments(docs, 'ELight', ['D_Application']).documents.at(-1)!.requiredFor).toEqual(['ELight']);
    expect(nowAlways).toEqual(['D_Consent']);
  });
});

describe('problem targets', () => {
  const ctx = {
    onDiagram: (id: string) => id === 'Task_Intake' || id === 'advert-permit',
    questions: questions(),
    documents: [doc('D_Consent', ['EZayavNeSoblm'])],
  };
  const problem = (elementId: string, field = '') => ({
    elementId,
    field,
    code: 'x',
    severity: 'error' as const,
    message: 'm',
  });

  it('sends diagram elements to the diagram, tree ids to the tree and document codes to the document list', () => {
    expect(problemTarget(problem('Task_Intake'), ctx)).toEqual({ tab: 'diagram', elementId: 'Task_Intake' });
    expect(problemTarget(problem('O_NotOwner', 'next'), ctx)).toEqual({ tab: 'situations', key: 'o:O_NotOwner' });
    expect(problemTarget(problem('D_Consent', 'title'), ctx)).toEqual({ tab: 'documents', code: 'D_Consent' });
    expect(problemTarget(problem('advert-permit', 'okno:situations'), ctx)).toEqual({ tab: 'situations', key: null });
    expect(problemTarget(problem('advert-permit', 'okno:service.deadline'), ctx)).toEqual({
      tab: 'diagram',
      elementId: 'advert-permit',
    });
    expect(problemTarget(problem('(document)', 'xml'), ctx)).toBeNull();
  });
});
