// The package-service template: one questionnaire choosing member services (their own questions
// nested under each choice), a merged reference document list, and a process that runs the chosen
// members as a parallel multi-instance call activity.
import { ALWAYS, type Deadline, type Question, type ReferenceDocument } from '../../okno-moddle/index.js';
import { attrs, buildBpmn, esc, jobExtensions, userTaskExtensions } from './bpmn.builder.js';
import type { ServiceModel } from './services.moddle.js';
import type { FormDoc } from './services.validation.js';

export interface PackageMemberSource {
  code: string;
  title: string;
  model: ServiceModel;
}

export interface PackageSpec {
  code: string;
  title: string;
  department: string;
  members: PackageMemberSource[];
}

/** The situation code a package sets when the applicant chooses a member service. */
export const memberSituation = (serviceCode: string): string => `S_${serviceCode}`;

function questionXml(q: Question, prefix: string, indent: string): string {
  const options = q.options
    .map((o) => {
      const nested = o.questions.map((n) => questionXml(n, prefix, `${indent}    `)).join('\n');
      const a = attrs({
        id: prefix + o.id,
        text: o.text,
        situations: o.situations.join(' '),
        next: o.next.map((n) => prefix + n).join(' '),
      });
      return nested
        ? `${indent}  <okno:option${a}>\n${nested}\n${indent}  </okno:option>`
        : `${indent}  <okno:option${a} />`;
    })
    .join('\n');
  return `${indent}<okno:question${attrs({ id: prefix + q.id, text: q.text, mode: q.mode, followUp: q.followUp ? 'true' : undefined })}>\n${options}\n${indent}</okno:question>`;
}

const workingDays = (d: Deadline) => (d.unit === 'calendarDays' ? Math.ceil((d.value * 5) / 7) : d.value);

/** Merges member documents by kind: required when any member needs it; original wins over copy, applicant over inter-agency. */
export function mergeDocuments(members: PackageMemberSource[]): ReferenceDocument[] {
  const byKind = new Map<string, ReferenceDocument>();
  const codes = new Set<string>();
  for (const m of members) {
    const chosen = memberSituation(m.code);
    for (const d of m.model.documents) {
      const requiredFor = d.requiredFor === ALWAYS ? [chosen] : d.requiredFor;
      const existing = byKind.get(d.kind);
      if (!existing) {
        const code = codes.has(d.code) ? `${d.code}_${m.code.replace(/-/g, '_')}` : d.code;
        codes.add(code);
        byKind.set(d.kind, { ...d, code, requiredFor: [...requiredFor] });
        continue;
      }
      const reqs = existing.requiredFor === ALWAYS ? [] : existing.requiredFor;
      existing.requiredFor = [...new Set([...reqs, ...requiredFor])];
      if (existing.form !== d.form)
        existing.form =
          existing.form === 'copy' && d.form === 'copy'
            ? 'copy'
            : existing.form === 'copy' || d.form === 'copy'
              ? 'originalAndCopy'
              : 'original';
      if (d.supplier === 'applicant') existing.supplier = 'applicant';
    }
  }
  return [...byKind.values()];
}

/** Generates a package service (BPMN + its two forms, `<code>-intake` and `<code>-issue`) over published member services. */
export function generatePackage(spec: PackageSpec): { xml: string; forms: FormDoc[] } {
  const documents = mergeDocuments(spec.members);
  const situations = new Map<string, string>();
  for (const m of spec.members) {
    situations.set(memberSituation(m.code), `Нужна услуга «${m.title}»`);
    for (const s of m.model.situations) if (!situations.has(s.code)) situations.set(s.code, s.title);
  }
  // Member codes that only steer a member's route stay meaningful through the member's own variant.
  const deadline = spec.members
    .map((m) => m.model.meta?.deadline)
    .filter((d): d is Deadline => Boolean(d))
    .sort((a, b) => workingDays(b) - workingDays(a))[0] ?? { value: 30, unit: 'workingDays' };
  const choice: Question = {
    id: 'Q_Services',
    text: 'Какие услуги вам нужны?',
    mode: 'multiple',
    followUp: false,
    options: spec.members.map((m) => ({
      id: `O_${m.code}`,
      text: m.title,
      situations: [memberSituation(m.code)],
      next: [],
      questions: [],
    })),
  };
  const choiceXml = questionXml(choice, '', '        ').split('\n');
  // A question several members ask alike (same id, text, options and codes) is asked once, before the choice.
  // Questions with follow-up references stay per member: their references are prefixed with the member.
  const signature = (q: Question) => JSON.stringify([q.id, q.text, q.mode, q.options]);
  const hasRefs = (q: Question): boolean => q.options.some((o) => o.next.length > 0 || o.questions.some(hasRefs));
  const counts = new Map<string, number>();
  for (const m of spec.members)
    for (const sig of new Set(m.model.questions.map(signature))) counts.set(sig, (counts.get(sig) ?? 0) + 1);
  const shared = new Map<string, Question>();
  for (const m of spec.members) {
    for (const q of m.model.questions)
      if (!q.followUp && !hasRefs(q) && (counts.get(signature(q)) ?? 0) > 1) shared.set(signature(q), q);
  }
  // Nest each member's other questions under the option that chooses it.
  const nested = spec.members.map((m) =>
    m.model.questions
      .filter((q) => !shared.has(signature(q)))
      .map((q) => questionXml(q, `${m.code.replace(/-/g, '_')}__`, '            '))
      .join('\n'),
  );
  const questionnaire = choiceXml
    .map((line) => {
      const i = spec.members.findIndex((m) => line.includes(`id="O_${m.code}"`));
      if (i < 0 || !nested[i]) return line;
      return `${line.replace(/ \/>$/, '>')}\n${nested[i]}\n          </okno:option>`;
    })
    .join('\n');
  const usedCodes = new Set<string>([
    ...documents.flatMap((d) => (d.requiredFor === ALWAYS ? [] : d.requiredFor)),
    ...spec.members.map((m) => memberSituation(m.code)),
  ]);
  for (const m of spec.members)
    for (const v of m.model.variants)
      for (const c of [...v.requires, ...v.requiresAny, ...v.excludes]) usedCodes.add(c);
  const docXml = documents
    .map(
      (d) =>
        `        <okno:document${attrs({ code: d.code, kind: d.kind, title: d.title, form: d.form, supplier: d.supplier, requiredFor: d.requiredFor === ALWAYS ? ALWAYS : d.requiredFor.join(' '), note: d.note ?? undefined })} />`,
    )
    .join('\n');
  const extensions = [
    `      <okno:service${attrs({ code: spec.code, title: spec.title, department: spec.department, kind: 'package' })}>`,
    `        <okno:deadline value="${deadline.value}" unit="${deadline.unit}" />`,
    '        <okno:result code="issued" title="Результаты услуг пакета выданы" positive="true" />',
    '        <okno:channel kind="mfc" title="МФЦ" />',
    '      </okno:service>',
    '      <okno:situations>',
    ...[...situations]
      .filter(([c]) => usedCodes.has(c))
      .map(([c, t]) => `        <okno:situation${attrs({ code: c, title: t })} />`),
    '      </okno:situations>',
    '      <okno:questionnaire>',
    ...[...shared.values()].map((q) => questionXml(q, '', '        ')),
    questionnaire,
    '      </okno:questionnaire>',
    '      <okno:documents>',
    docXml,
    '      </okno:documents>',
    '      <okno:members>',
    ...spec.members.map(
      (m) =>
        `        <okno:member${attrs({ service: m.code, title: m.title, requiredFor: memberSituation(m.code) })} />`,
    ),
    '      </okno:members>',
  ].join('\n');
  const xml = buildBpmn({
    id: spec.code,
    name: spec.title,
    extensions,
    nodes: [
      { id: 'StartEvent_Application', kind: 'startEvent', name: 'Комплексный запрос поступил' },
      {
        id: 'Task_Intake',
        kind: 'userTask',
        name: 'Приём комплексного запроса',
        extensions: userTaskExtensions({
          group: 'mfc-operators',
          form: `${spec.code}-intake`,
          deadline: 1,
          checks: documents.map((d) => d.code),
        }),
      },
      {
        id: 'Activity_Members',
        kind: 'callActivity',
        name: 'Оказание услуг пакета',
        extensions: [
          '        <zeebe:calledElement processId="=member.processId" propagateAllChildVariables="false" />',
          '        <zeebe:ioMapping>',
          '          <zeebe:input source="=member.variant" target="variant" />',
          '          <zeebe:input source="=member.service" target="serviceCode" />',
          // The member's own case, registered by cases with the parent (its number, deadline and department).
          '          <zeebe:input source="=member.caseId" target="caseId" />',
          '          <zeebe:input source="=member.caseNumber" target="caseNumber" />',
          '        </zeebe:ioMapping>',
        ].join('\n'),
        body: '      <bpmn:multiInstanceLoopCharacteristics>\n        <bpmn:extensionElements>\n          <zeebe:loopCharacteristics inputCollection="=members" inputElement="member" />\n        </bpmn:extensionElements>\n      </bpmn:multiInstanceLoopCharacteristics>',
      },
      {
        id: 'Task_IssueAll',
        kind: 'userTask',
        name: 'Выдача результатов по пакету',
        extensions: userTaskExtensions({ group: 'mfc-operators', form: `${spec.code}-issue`, deadline: 1 }),
      },
      {
        id: 'Task_InviteRating',
        kind: 'serviceTask',
        name: 'Приглашение оценить качество услуги',
        extensions: jobExtensions('invite-rating'),
      },
      { id: 'EndEvent_Done', kind: 'endEvent', name: 'Результаты выданы' },
    ],
    flows: [
      { from: 'StartEvent_Application', to: 'Task_Intake' },
      { from: 'Task_Intake', to: 'Activity_Members' },
      { from: 'Activity_Members', to: 'Task_IssueAll' },
      { from: 'Task_IssueAll', to: 'Task_InviteRating' },
      { from: 'Task_InviteRating', to: 'EndEvent_Done' },
    ],
  });
  const forms: FormDoc[] = [
    {
      id: `${spec.code}-intake`,
      type: 'default',
      schemaVersion: 16,
      components: [
        {
          type: 'text',
          id: 'Text_Title',
          text: `# ${esc(spec.title)}\nПроверьте документы по перечню и отметьте услуги пакета.`,
        },
        {
          type: 'textfield',
          id: 'Field_Applicant',
          key: 'applicantName',
          label: 'ФИО заявителя',
          validate: { required: true },
        },
        { type: 'textfield', id: 'Field_Phone', key: 'applicantPhone', label: 'Телефон для уведомлений' },
        {
          type: 'checkbox',
          id: 'Field_DocumentsChecked',
          key: 'documentsChecked',
          label: 'Документы проверены по перечню',
          validate: { required: true },
        },
      ],
    },
    {
      id: `${spec.code}-issue`,
      type: 'default',
      schemaVersion: 16,
      components: [
        {
          type: 'checkbox',
          id: 'Field_Issued',
          key: 'resultsIssued',
          label: 'Результаты всех услуг пакета выданы заявителю',
          validate: { required: true },
        },
        { type: 'datetime', id: 'Field_IssuedOn', key: 'issuedOn', subtype: 'date', dateLabel: 'Дата выдачи' },
      ],
    },
  ];
  return { xml, forms };
}
