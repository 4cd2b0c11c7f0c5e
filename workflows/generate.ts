// Regenerates the sample regulations in workflows/ and their forms in forms/ (run: npx tsx workflows/generate.ts).
// The .bpmn and .form files are the content; this script only keeps their diagrams and shared parts consistent.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attrs,
  buildBpmn,
  jobExtensions,
  userTaskExtensions,
  type FlowSpec,
  type NodeSpec,
} from '../server/features/services/bpmn.builder.js';
import { generatePackage } from '../server/features/services/package.template.js';
import { parseBpmn } from '../server/features/services/services.moddle.js';

const root = path.dirname(fileURLToPath(import.meta.url));
const formsDir = path.resolve(root, '../forms');

interface Doc {
  code: string;
  kind: string;
  title: string;
  form?: string;
  supplier?: string;
  requiredFor?: string;
  note?: string;
}
interface Opt {
  id: string;
  text: string;
  situations?: string;
  next?: string;
  questions?: Q[];
}
interface Q {
  id: string;
  text: string;
  mode?: string;
  options: Opt[];
}

interface Regulation {
  code: string;
  title: string;
  department: string;
  deadline: [number, string];
  fee?: number;
  results: [string, string, boolean][];
  channels: [string, string][];
  situations: [string, string][];
  questions: Q[];
  documents: Doc[];
  variants?: {
    code: string;
    title: string;
    requires?: string;
    requiresAny?: string;
    excludes?: string;
    deadline?: [number, string];
  }[];
  group: string;
  headGroup: string;
  intakeForm: string;
  reviewDays: number;
  /** The extra step for one variant (e.g. the commission's approval for large structures). */
  extra?: { variant: string; id: string; name: string; form: string; days: number };
  interagencyChecks: string[];
}

const q = (x: Q, ind: string): string => {
  const opts = x.options
    .map((o) => {
      const a = attrs({ id: o.id, text: o.text, situations: o.situations, next: o.next });
      return o.questions?.length
        ? `${ind}  <okno:option${a}>\n${o.questions.map((n) => q(n, `${ind}    `)).join('\n')}\n${ind}  </okno:option>`
        : `${ind}  <okno:option${a} />`;
    })
    .join('\n');
  return `${ind}<okno:question${attrs({ id: x.id, text: x.text, mode: x.mode })}>\n${opts}\n${ind}</okno:question>`;
};

function regulation(r: Regulation): string {
  const ext = [
    `      <okno:service${attrs({ code: r.code, title: r.title, department: r.department, fee: r.fee })}>`,
    `        <okno:deadline value="${r.deadline[0]}" unit="${r.deadline[1]}" />`,
    ...r.results.map(([c, t, p]) => `        <okno:result${attrs({ code: c, title: t, positive: String(p) })} />`),
    ...r.channels.map(([k, t]) => `        <okno:channel${attrs({ kind: k, title: t })} />`),
    '      </okno:service>',
    '      <okno:situations>',
    ...r.situations.map(([c, t]) => `        <okno:situation${attrs({ code: c, title: t })} />`),
    '      </okno:situations>',
    '      <okno:questionnaire>',
    ...r.questions.map((x) => q(x, '        ')),
    '      </okno:questionnaire>',
    '      <okno:documents>',
    ...r.documents.map(
      (d) =>
        `        <okno:document${attrs({ code: d.code, kind: d.kind, title: d.title, form: d.form ?? 'original', supplier: d.supplier ?? 'applicant', requiredFor: d.requiredFor ?? 'always', note: d.note })} />`,
    ),
    '      </okno:documents>',
    ...(r.variants?.length
      ? [
          '      <okno:variants>',
          ...r.variants.map((v) => {
            const a = attrs({
              code: v.code,
              title: v.title,
              requires: v.requires,
              requiresAny: v.requiresAny,
              excludes: v.excludes,
            });
            return v.deadline
              ? `        <okno:variant${a}>\n          <okno:deadline value="${v.deadline[0]}" unit="${v.deadline[1]}" />\n        </okno:variant>`
              : `        <okno:variant${a} />`;
          }),
          '      </okno:variants>',
        ]
      : []),
  ].join('\n');
  const applicantDocs = r.documents.filter((d) => (d.supplier ?? 'applicant') === 'applicant').map((d) => d.code);
  const nodes: NodeSpec[] = [
    { id: 'StartEvent_Application', kind: 'startEvent', name: 'Заявление поступило' },
    {
      id: 'Task_Intake',
      kind: 'userTask',
      name: 'Приём заявления и проверка документов',
      extensions: userTaskExtensions({
        group: 'mfc-operators',
        form: r.intakeForm,
        deadline: 1,
        checks: applicantDocs,
      }),
    },
    {
      id: 'Task_SendInteragency',
      kind: 'serviceTask',
      name: 'Направить межведомственные запросы',
      extensions: jobExtensions('send-interagency-request'),
    },
    {
      id: 'Task_AwaitReply',
      kind: 'receiveTask',
      name: 'Получить ответы на межведомственные запросы',
      attrs: { messageRef: 'Message_InteragencyReply' },
    },
    {
      id: 'Boundary_ReplyTimeout',
      kind: 'boundaryEvent',
      name: '5 рабочих дней',
      attachedTo: 'Task_AwaitReply',
      body: '      <bpmn:timerEventDefinition id="TimerEventDefinition_ReplyTimeout">\n        <bpmn:timeDuration xsi:type="bpmn:tFormalExpression">P7D</bpmn:timeDuration>\n      </bpmn:timerEventDefinition>',
    },
    {
      id: 'Task_ReplyOverdue',
      kind: 'userTask',
      name: 'Контроль просроченного ответа на запрос',
      extensions: userTaskExtensions({ group: r.group, form: 'interagency-overdue', deadline: 1 }),
    },
    { id: 'Gateway_ReplyJoin', kind: 'exclusiveGateway' },
    {
      id: 'Task_Review',
      kind: 'userTask',
      name: 'Рассмотрение заявления и документов',
      extensions: userTaskExtensions({
        group: r.group,
        form: 'case-review',
        deadline: r.reviewDays,
        checks: r.interagencyChecks,
      }),
    },
  ];
  const flows: FlowSpec[] = [
    { from: 'StartEvent_Application', to: 'Task_Intake' },
    { from: 'Task_Intake', to: 'Task_SendInteragency' },
    { from: 'Task_SendInteragency', to: 'Task_AwaitReply' },
    { from: 'Task_AwaitReply', to: 'Gateway_ReplyJoin' },
    { from: 'Boundary_ReplyTimeout', to: 'Task_ReplyOverdue' },
    { from: 'Task_ReplyOverdue', to: 'Gateway_ReplyJoin' },
    { from: 'Gateway_ReplyJoin', to: 'Task_Review' },
  ];
  let last = 'Task_Review';
  if (r.extra) {
    nodes.push(
      { id: 'Gateway_Variant', kind: 'exclusiveGateway', name: 'Вариант услуги?' },
      {
        id: r.extra.id,
        kind: 'userTask',
        row: 1,
        name: r.extra.name,
        extensions: userTaskExtensions({ group: r.group, form: r.extra.form, deadline: r.extra.days }),
      },
      { id: 'Gateway_VariantJoin', kind: 'exclusiveGateway' },
    );
    flows.push(
      { from: 'Task_Review', to: 'Gateway_Variant' },
      { from: 'Gateway_Variant', to: r.extra.id, name: r.extra.variant, condition: `=variant = "${r.extra.variant}"` },
      { from: 'Gateway_Variant', to: 'Gateway_VariantJoin', name: 'иначе', isDefault: true },
      { from: r.extra.id, to: 'Gateway_VariantJoin' },
    );
    last = 'Gateway_VariantJoin';
  }
  nodes.push(
    { id: 'Gateway_Decision', kind: 'exclusiveGateway', name: 'Решение по заявлению?' },
    {
      id: 'Task_PrepareResult',
      kind: 'userTask',
      name: 'Подготовка результата услуги',
      extensions: userTaskExtensions({ group: r.group, form: 'document-prepare', deadline: 3 }),
    },
    {
      id: 'Task_PrepareRefusal',
      kind: 'userTask',
      name: 'Подготовка мотивированного отказа',
      extensions: userTaskExtensions({ group: r.group, form: 'document-prepare', deadline: 3 }),
    },
    { id: 'Gateway_DecisionJoin', kind: 'exclusiveGateway' },
    {
      id: 'Task_HeadApproval',
      kind: 'userTask',
      name: 'Подписание руководителем',
      extensions: userTaskExtensions({ group: r.headGroup, form: 'head-approval', deadline: 2 }),
    },
    {
      id: 'Task_NotifyApplicant',
      kind: 'serviceTask',
      name: 'Уведомить заявителя о готовности результата',
      extensions: jobExtensions('notify-applicant'),
    },
    {
      id: 'Task_IssueResult',
      kind: 'userTask',
      name: 'Выдача результата заявителю',
      extensions: userTaskExtensions({ group: 'mfc-operators', form: 'result-issue', deadline: 1 }),
    },
    {
      id: 'Task_InviteRating',
      kind: 'serviceTask',
      name: 'Приглашение оценить качество услуги',
      extensions: jobExtensions('invite-rating'),
    },
    { id: 'EndEvent_Done', kind: 'endEvent', name: 'Результат выдан' },
  );
  flows.push(
    { from: last, to: 'Gateway_Decision' },
    { from: 'Gateway_Decision', to: 'Task_PrepareResult', name: 'положительное', condition: '=decision = "approve"' },
    { from: 'Gateway_Decision', to: 'Task_PrepareRefusal', name: 'отказ', isDefault: true },
    { from: 'Task_PrepareResult', to: 'Gateway_DecisionJoin' },
    { from: 'Task_PrepareRefusal', to: 'Gateway_DecisionJoin' },
    { from: 'Gateway_DecisionJoin', to: 'Task_HeadApproval' },
    { from: 'Task_HeadApproval', to: 'Task_NotifyApplicant' },
    { from: 'Task_NotifyApplicant', to: 'Task_IssueResult' },
    { from: 'Task_IssueResult', to: 'Task_InviteRating' },
    { from: 'Task_InviteRating', to: 'EndEvent_Done' },
  );
  return buildBpmn({
    id: r.code,
    name: r.title,
    extensions: ext,
    nodes,
    flows,
    rootElements:
      '  <bpmn:message id="Message_InteragencyReply" name="interagency-reply">\n    <bpmn:extensionElements>\n      <zeebe:subscription correlationKey="=caseId" />\n    </bpmn:extensionElements>\n  </bpmn:message>\n',
  });
}

const REP: Q = {
  id: 'Q_Representative',
  text: 'Кто подаёт заявление?',
  options: [
    { id: 'O_Self', text: 'Заявитель лично' },
    { id: 'O_Representative', text: 'Представитель заявителя по доверенности', situations: 'EPredstav' },
  ],
};
const repDocs: Doc[] = [
  {
    code: 'D_RepresentativeId',
    kind: 'passport-representative',
    title: 'Документ, удостоверяющий личность представителя',
    requiredFor: 'EPredstav',
  },
  {
    code: 'D_PowerOfAttorney',
    kind: 'power-of-attorney',
    title: 'Доверенность, подтверждающая полномочия представителя',
    requiredFor: 'EPredstav',
  },
];
const channels: [string, string][] = [
  ['mfc', 'МФЦ «Центральный», ул. Ленина, 1'],
  ['portal', 'Портал государственных и муниципальных услуг'],
];

const advert: Regulation = {
  code: 'advert-permit',
  title: 'Выдача разрешения на установку и эксплуатацию рекламной конструкции',
  department: 'dep-arch',
  deadline: [20, 'workingDays'],
  fee: 5000,
  results: [
    ['permit', 'Разрешение на установку и эксплуатацию рекламной конструкции', true],
    ['refusal', 'Решение об отказе в выдаче разрешения', false],
  ],
  channels: [...channels, ['department', 'Департамент архитектуры, строительства и землепользования, каб. 12']],
  situations: [
    ['EZayavYr', 'Заявитель — юридическое лицо'],
    ['EZayavIndPred', 'Заявитель — индивидуальный предприниматель'],
    ['EZayavFiz', 'Заявитель — физическое лицо'],
    ['EPredstav', 'Заявление подаёт представитель заявителя'],
    [
      'EZayavNeSoblm',
      'Заявитель не является собственником недвижимого имущества, к которому присоединяется конструкция',
    ],
    ['EIsplmDom', 'Для установки используется общее имущество многоквартирного дома'],
    ['EReklBol', 'Площадь информационного поля конструкции более 15 м²'],
  ],
  questions: [
    {
      id: 'Q_ApplicantType',
      text: 'Кто является заявителем?',
      options: [
        { id: 'O_LegalEntity', text: 'Юридическое лицо', situations: 'EZayavYr' },
        { id: 'O_SoleTrader', text: 'Индивидуальный предприниматель', situations: 'EZayavIndPred' },
        { id: 'O_Individual', text: 'Физическое лицо', situations: 'EZayavFiz' },
      ],
    },
    REP,
    {
      id: 'Q_Owner',
      text: 'Заявитель — собственник (законный владелец) недвижимого имущества, к которому присоединяется конструкция?',
      options: [
        { id: 'O_Owner', text: 'Да' },
        {
          id: 'O_NotOwner',
          text: 'Нет',
          situations: 'EZayavNeSoblm',
          questions: [
            {
              id: 'Q_ApartmentBuilding',
              text: 'Конструкция присоединяется к общему имуществу многоквартирного дома?',
              options: [
                { id: 'O_ApartmentBuilding', text: 'Да', situations: 'EIsplmDom' },
                { id: 'O_OtherProperty', text: 'Нет, к иному имуществу' },
              ],
            },
          ],
        },
      ],
    },
    {
      id: 'Q_Size',
      text: 'Площадь информационного поля конструкции',
      options: [
        { id: 'O_Small', text: 'До 15 м² включительно' },
        { id: 'O_Large', text: 'Более 15 м²', situations: 'EReklBol' },
      ],
    },
  ],
  documents: [
    {
      code: 'D_Application',
      kind: 'application:advert-permit',
      title: 'Заявление о выдаче разрешения на установку и эксплуатацию рекламной конструкции',
    },
    {
      code: 'D_ApplicantId',
      kind: 'passport',
      title: 'Документ, удостоверяющий личность заявителя',
      requiredFor: 'EZayavFiz EZayavIndPred',
    },
    ...repDocs,
    {
      code: 'D_Egrul',
      kind: 'egrul-extract',
      title: 'Выписка из Единого государственного реестра юридических лиц',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'EZayavYr',
    },
    {
      code: 'D_Egrip',
      kind: 'egrip-extract',
      title: 'Выписка из Единого государственного реестра индивидуальных предпринимателей',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'EZayavIndPred',
    },
    {
      code: 'D_Egrn',
      kind: 'egrn-extract',
      title: 'Выписка из ЕГРН на недвижимое имущество, к которому присоединяется конструкция',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_OwnerConsent',
      kind: 'owner-consent',
      title: 'Согласие собственника недвижимого имущества на присоединение рекламной конструкции',
      requiredFor: 'EZayavNeSoblm',
    },
    {
      code: 'D_MeetingMinutes',
      kind: 'apartment-meeting-minutes',
      title: 'Протокол общего собрания собственников помещений многоквартирного дома о согласии на установку',
      form: 'copy',
      requiredFor: 'EIsplmDom',
    },
    {
      code: 'D_Sketch',
      kind: 'advert-sketch',
      title: 'Эскиз рекламной конструкции с привязкой к месту установки (фотомонтаж)',
    },
    {
      code: 'D_StrengthReport',
      kind: 'structure-strength-report',
      title: 'Заключение о прочности и устойчивости конструкции (расчёт ветровых и снеговых нагрузок)',
      requiredFor: 'EReklBol',
    },
    {
      code: 'D_FeePaid',
      kind: 'fee-payment',
      title: 'Сведения об уплате государственной пошлины',
      form: 'copy',
      supplier: 'interagency',
    },
  ],
  variants: [
    { code: 'standard', title: 'Конструкция площадью до 15 м²', excludes: 'EReklBol', deadline: [20, 'workingDays'] },
    {
      code: 'large',
      title: 'Крупная конструкция: согласование с комиссией по наружной рекламе',
      requires: 'EReklBol',
      deadline: [30, 'workingDays'],
    },
  ],
  group: 'arch-permits',
  headGroup: 'arch-permits',
  intakeForm: 'advert-intake',
  reviewDays: 10,
  extra: {
    variant: 'large',
    id: 'Task_CommissionApproval',
    name: 'Согласование с комиссией по наружной рекламе',
    form: 'commission-approval',
    days: 7,
  },
  interagencyChecks: ['D_Egrul', 'D_Egrip', 'D_Egrn', 'D_FeePaid'],
};

const housingNeed: Regulation = {
  code: 'housing-need',
  title: 'Признание граждан нуждающимися в жилых помещениях и постановка на учёт',
  department: 'dep-housing',
  deadline: [30, 'workingDays'],
  results: [
    ['registered', 'Решение о принятии на учёт в качестве нуждающихся в жилых помещениях', true],
    ['refused', 'Решение об отказе в принятии на учёт', false],
  ],
  channels: [...channels, ['department', 'Жилищное управление, отдел учёта']],
  situations: [
    ['EPredstav', 'Заявление подаёт представитель заявителя'],
    ['ENormaPlosch', 'Обеспеченность общей площадью на члена семьи ниже учётной нормы'],
    ['EAvariyn', 'Жилое помещение признано непригодным для проживания или дом аварийным'],
    ['EBolezn', 'В семье есть больной тяжёлой формой хронического заболевания'],
    ['ESobstvZhil', 'У членов семьи есть жилые помещения в собственности'],
  ],
  questions: [
    REP,
    {
      id: 'Q_Grounds',
      text: 'Какие основания для признания нуждающимися есть у семьи?',
      mode: 'multiple',
      options: [
        { id: 'O_BelowNorm', text: 'Площадь на члена семьи меньше учётной нормы', situations: 'ENormaPlosch' },
        { id: 'O_Unfit', text: 'Жильё непригодно для проживания или дом признан аварийным', situations: 'EAvariyn' },
        {
          id: 'O_Illness',
          text: 'В семье есть больной тяжёлой формой хронического заболевания',
          situations: 'EBolezn',
        },
      ],
    },
    {
      id: 'Q_Property',
      text: 'Есть ли у членов семьи жилые помещения в собственности?',
      options: [
        { id: 'O_HasProperty', text: 'Да', situations: 'ESobstvZhil' },
        { id: 'O_NoProperty', text: 'Нет' },
      ],
    },
  ],
  documents: [
    {
      code: 'D_Application',
      kind: 'application:housing-need',
      title: 'Заявление о принятии на учёт в качестве нуждающихся в жилых помещениях',
    },
    { code: 'D_ApplicantId', kind: 'passport', title: 'Паспорта заявителя и членов семьи' },
    ...repDocs,
    {
      code: 'D_FamilyCertificates',
      kind: 'family-certificates',
      title: 'Свидетельства о рождении, браке (документы о составе семьи)',
      form: 'originalAndCopy',
    },
    {
      code: 'D_Registration',
      kind: 'residence-registration-info',
      title: 'Сведения о регистрации по месту жительства членов семьи',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_Egrn',
      kind: 'egrn-extract',
      title: 'Выписка из ЕГРН о правах членов семьи на жилые помещения',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_LowIncome',
      kind: 'low-income-decision',
      title: 'Решение о признании семьи малоимущей',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_OwnershipTitle',
      kind: 'ownership-title',
      title: 'Правоустанавливающие документы на жилые помещения в собственности',
      form: 'copy',
      requiredFor: 'ESobstvZhil',
    },
    {
      code: 'D_UnfitConclusion',
      kind: 'unfit-housing-conclusion',
      title: 'Заключение межведомственной комиссии о непригодности жилого помещения',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'EAvariyn',
    },
    {
      code: 'D_MedicalReport',
      kind: 'medical-report',
      title: 'Медицинское заключение о тяжёлой форме хронического заболевания',
      requiredFor: 'EBolezn',
    },
  ],
  variants: [
    {
      code: 'no-grounds',
      title: 'Оснований не заявлено: рассмотрение с проектом отказа',
      excludes: 'ENormaPlosch EAvariyn EBolezn',
    },
    { code: 'general', title: 'Общая очередь', requiresAny: 'ENormaPlosch', excludes: 'EAvariyn EBolezn' },
    { code: 'priority', title: 'Право на внеочередное предоставление жилья', requiresAny: 'EAvariyn EBolezn' },
  ],
  group: 'housing-accounting',
  headGroup: 'housing-managers',
  intakeForm: 'housing-intake',
  reviewDays: 15,
  extra: {
    variant: 'priority',
    id: 'Task_PriorityCheck',
    name: 'Проверка права на внеочередное предоставление',
    form: 'priority-check',
    days: 5,
  },
  interagencyChecks: ['D_Registration', 'D_Egrn', 'D_LowIncome', 'D_UnfitConclusion'],
};

const housingSubsidy: Regulation = {
  code: 'housing-subsidy',
  title: 'Предоставление субсидии на оплату жилого помещения и коммунальных услуг',
  department: 'dep-housing',
  deadline: [10, 'workingDays'],
  results: [
    ['granted', 'Решение о предоставлении субсидии', true],
    ['refused', 'Решение об отказе в предоставлении субсидии', false],
  ],
  channels: [...channels, ['department', 'Жилищное управление, отдел субсидий']],
  situations: [
    ['EPredstav', 'Заявление подаёт представитель заявителя'],
    ['ESobstv', 'Жилое помещение в собственности заявителя'],
    ['ENanim', 'Жилое помещение занимается по договору найма'],
    ['ELgota', 'Член семьи имеет право на меры социальной поддержки по оплате ЖКУ'],
  ],
  questions: [
    REP,
    {
      id: 'Q_Tenure',
      text: 'На каком основании семья занимает жилое помещение?',
      options: [
        { id: 'O_Own', text: 'Собственность', situations: 'ESobstv' },
        { id: 'O_Lease', text: 'Договор социального или коммерческого найма', situations: 'ENanim' },
      ],
    },
    {
      id: 'Q_Benefits',
      text: 'Пользуется ли кто-либо из членов семьи льготами по оплате жилья и коммунальных услуг?',
      options: [
        { id: 'O_Benefits', text: 'Да', situations: 'ELgota' },
        { id: 'O_NoBenefits', text: 'Нет' },
      ],
    },
  ],
  documents: [
    {
      code: 'D_Application',
      kind: 'application:housing-subsidy',
      title: 'Заявление о предоставлении субсидии на оплату жилого помещения и коммунальных услуг',
    },
    { code: 'D_ApplicantId', kind: 'passport', title: 'Паспорта заявителя и членов семьи' },
    ...repDocs,
    {
      code: 'D_Income',
      kind: 'income-statements',
      title: 'Сведения о доходах заявителя и членов семьи за шесть месяцев',
    },
    {
      code: 'D_UtilityBills',
      kind: 'utility-bills',
      title: 'Платёжные документы за жилое помещение и коммунальные услуги за последний месяц',
      form: 'copy',
    },
    {
      code: 'D_Egrn',
      kind: 'egrn-extract',
      title: 'Выписка из ЕГРН о праве собственности на жилое помещение',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'ESobstv',
    },
    {
      code: 'D_Lease',
      kind: 'lease-contract',
      title: 'Договор найма жилого помещения',
      form: 'copy',
      requiredFor: 'ENanim',
    },
    {
      code: 'D_BenefitProof',
      kind: 'benefit-proof',
      title: 'Документы, подтверждающие право на меры социальной поддержки',
      form: 'copy',
      requiredFor: 'ELgota',
    },
  ],
  group: 'housing-subsidies',
  headGroup: 'housing-managers',
  intakeForm: 'subsidy-intake',
  reviewDays: 5,
  interagencyChecks: ['D_Egrn'],
};

const landPlot: Regulation = {
  code: 'land-plot-large-family',
  title: 'Предоставление земельного участка в собственность бесплатно многодетной семье',
  department: 'dep-property',
  deadline: [30, 'workingDays'],
  results: [
    ['plot-granted', 'Решение о предоставлении земельного участка в собственность бесплатно', true],
    ['refused', 'Решение об отказе в предоставлении земельного участка', false],
  ],
  channels: [...channels, ['department', 'Департамент муниципальной собственности']],
  situations: [
    ['EPredstav', 'Заявление подаёт представитель заявителя'],
    ['EUdostMnog', 'Семья имеет удостоверение многодетной семьи'],
    ['EBezUdost', 'Удостоверения многодетной семьи нет'],
    ['EUsynov', 'В семье есть усыновлённые (удочерённые) дети или дети под опекой'],
    ['EIZhS', 'Участок нужен для индивидуального жилищного строительства'],
    ['ELPH', 'Участок нужен для ведения личного подсобного хозяйства'],
    ['ESad', 'Участок нужен для садоводства или огородничества'],
  ],
  questions: [
    REP,
    {
      id: 'Q_Certificate',
      text: 'Есть ли у семьи удостоверение многодетной семьи?',
      options: [
        { id: 'O_Certificate', text: 'Да', situations: 'EUdostMnog' },
        { id: 'O_NoCertificate', text: 'Нет', situations: 'EBezUdost' },
      ],
    },
    {
      id: 'Q_Adopted',
      text: 'Есть ли в семье усыновлённые дети или дети под опекой?',
      options: [
        { id: 'O_Adopted', text: 'Да', situations: 'EUsynov' },
        { id: 'O_NotAdopted', text: 'Нет' },
      ],
    },
    {
      id: 'Q_Purpose',
      text: 'Для чего нужен земельный участок?',
      options: [
        { id: 'O_Housing', text: 'Индивидуальное жилищное строительство', situations: 'EIZhS' },
        { id: 'O_Farm', text: 'Личное подсобное хозяйство', situations: 'ELPH' },
        { id: 'O_Garden', text: 'Садоводство или огородничество', situations: 'ESad' },
      ],
    },
  ],
  documents: [
    {
      code: 'D_Application',
      kind: 'application:land-plot-large-family',
      title: 'Заявление о предоставлении земельного участка в собственность бесплатно',
    },
    { code: 'D_ApplicantId', kind: 'passport', title: 'Паспорта заявителя и членов семьи' },
    ...repDocs,
    {
      code: 'D_FamilyCertificate',
      kind: 'large-family-certificate',
      title: 'Удостоверение многодетной семьи',
      form: 'originalAndCopy',
      requiredFor: 'EUdostMnog',
    },
    {
      code: 'D_BirthCertificates',
      kind: 'birth-certificates',
      title: 'Свидетельства о рождении детей',
      form: 'originalAndCopy',
      requiredFor: 'EBezUdost',
    },
    {
      code: 'D_AdoptionDecision',
      kind: 'adoption-decision',
      title: 'Решение суда об усыновлении или акт органа опеки о назначении опекуна',
      form: 'copy',
      requiredFor: 'EUsynov',
    },
    {
      code: 'D_Registration',
      kind: 'residence-registration-info',
      title: 'Сведения о регистрации членов семьи по месту жительства',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_EgrnPlots',
      kind: 'egrn-extract',
      title: 'Выписка из ЕГРН о земельных участках, принадлежащих членам семьи',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_PlotScheme',
      kind: 'plot-scheme',
      title: 'Схема расположения земельного участка на кадастровом плане территории (если участок не образован)',
      note: 'Представляется по желанию заявителя',
      requiredFor: 'EIZhS ELPH ESad',
    },
  ],
  variants: [
    { code: 'individual-housing', title: 'Участок под индивидуальное жилищное строительство', requires: 'EIZhS' },
    {
      code: 'other-purpose',
      title: 'Участок для подсобного хозяйства, садоводства или огородничества',
      requiresAny: 'ELPH ESad',
    },
  ],
  group: 'property-specialists',
  headGroup: 'property-specialists',
  intakeForm: 'land-plot-intake',
  reviewDays: 15,
  extra: {
    variant: 'individual-housing',
    id: 'Task_ZoningCheck',
    name: 'Проверка соответствия участка правилам землепользования и застройки',
    form: 'zoning-check',
    days: 5,
  },
  interagencyChecks: ['D_Registration', 'D_EgrnPlots'],
};

const constructionPermit: Regulation = {
  code: 'construction-permit',
  title: 'Выдача разрешения на строительство, реконструкцию объекта капитального строительства',
  department: 'dep-arch',
  deadline: [5, 'workingDays'],
  results: [
    ['permit', 'Разрешение на строительство', true],
    ['refusal', 'Уведомление об отказе в выдаче разрешения на строительство', false],
  ],
  channels: [...channels, ['department', 'Департамент архитектуры, строительства и землепользования, каб. 14']],
  situations: [
    ['EZayavYr', 'Заявитель — юридическое лицо'],
    ['EZayavIndPred', 'Заявитель — индивидуальный предприниматель'],
    ['EZayavFiz', 'Заявитель — физическое лицо'],
    ['EPredstav', 'Заявление подаёт представитель заявителя'],
    ['ERekonstr', 'Выполняется реконструкция объекта'],
    ['ERekonstrMkd', 'Реконструируется многоквартирный дом'],
    ['EObjKultNasl', 'Объект расположен на территории объекта культурного наследия'],
    ['EEkspertiza', 'Проектная документация подлежит экспертизе'],
  ],
  questions: [
    advert.questions[0],
    REP,
    {
      id: 'Q_Works',
      text: 'Какие работы планируются?',
      options: [
        { id: 'O_NewBuilding', text: 'Новое строительство' },
        {
          id: 'O_Reconstruction',
          text: 'Реконструкция',
          situations: 'ERekonstr',
          questions: [
            {
              id: 'Q_ApartmentBuilding',
              text: 'Реконструируется многоквартирный дом?',
              options: [
                { id: 'O_ApartmentBuilding', text: 'Да', situations: 'ERekonstrMkd' },
                { id: 'O_OtherObject', text: 'Нет' },
              ],
            },
          ],
        },
      ],
    },
    {
      id: 'Q_Heritage',
      text: 'Объект находится на территории объекта культурного наследия?',
      options: [
        { id: 'O_Heritage', text: 'Да', situations: 'EObjKultNasl' },
        { id: 'O_NoHeritage', text: 'Нет' },
      ],
    },
    {
      id: 'Q_Expertise',
      text: 'Проектная документация подлежит экспертизе?',
      options: [
        { id: 'O_Expertise', text: 'Да', situations: 'EEkspertiza' },
        { id: 'O_NoExpertise', text: 'Нет' },
      ],
    },
  ],
  documents: [
    {
      code: 'D_Application',
      kind: 'application:construction-permit',
      title: 'Заявление о выдаче разрешения на строительство',
    },
    {
      code: 'D_ApplicantId',
      kind: 'passport',
      title: 'Документ, удостоверяющий личность заявителя',
      requiredFor: 'EZayavFiz EZayavIndPred',
    },
    ...repDocs,
    {
      code: 'D_Egrul',
      kind: 'egrul-extract',
      title: 'Выписка из Единого государственного реестра юридических лиц',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'EZayavYr',
    },
    {
      code: 'D_Egrip',
      kind: 'egrip-extract',
      title: 'Выписка из Единого государственного реестра индивидуальных предпринимателей',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'EZayavIndPred',
    },
    {
      code: 'D_LandTitle',
      kind: 'egrn-extract',
      title: 'Выписка из ЕГРН о правах на земельный участок',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_Gpzu',
      kind: 'urban-plan',
      title: 'Градостроительный план земельного участка',
      form: 'copy',
      supplier: 'interagency',
    },
    {
      code: 'D_Project',
      kind: 'project-documentation',
      title:
        'Материалы проектной документации (пояснительная записка, схема планировочной организации участка, архитектурные решения)',
    },
    {
      code: 'D_Expertise',
      kind: 'expertise-conclusion',
      title: 'Положительное заключение экспертизы проектной документации',
      requiredFor: 'EEkspertiza',
    },
    {
      code: 'D_HoldersConsent',
      kind: 'holders-consent',
      title: 'Согласие всех правообладателей объекта на реконструкцию',
      requiredFor: 'ERekonstr',
    },
    {
      code: 'D_MkdDecision',
      kind: 'apartment-meeting-minutes',
      title: 'Решение общего собрания собственников помещений многоквартирного дома о согласии на реконструкцию',
      form: 'copy',
      requiredFor: 'ERekonstrMkd',
    },
    {
      code: 'D_HeritageApproval',
      kind: 'heritage-approval',
      title: 'Заключение органа охраны объектов культурного наследия о соответствии предмету охраны',
      form: 'copy',
      supplier: 'interagency',
      requiredFor: 'EObjKultNasl',
    },
  ],
  variants: [
    { code: 'standard', title: 'Обычный порядок', excludes: 'EObjKultNasl' },
    {
      code: 'heritage',
      title: 'Объект на территории объекта культурного наследия: согласование с органом охраны',
      requires: 'EObjKultNasl',
      deadline: [10, 'workingDays'],
    },
  ],
  group: 'arch-permits',
  headGroup: 'arch-permits',
  intakeForm: 'construction-intake',
  reviewDays: 2,
  extra: {
    variant: 'heritage',
    id: 'Task_HeritageApproval',
    name: 'Согласование с органом охраны объектов культурного наследия',
    form: 'heritage-approval',
    days: 3,
  },
  interagencyChecks: ['D_Egrul', 'D_Egrip', 'D_LandTitle', 'D_Gpzu', 'D_HeritageApproval'],
};

type Component = Record<string, unknown>;
const form = (id: string, components: Component[]) => ({
  id,
  type: 'default',
  schemaVersion: 16,
  exporter: { name: 'Okno', version: '1.0' },
  components,
});
const text = (id: string, t: string): Component => ({ type: 'text', id, text: t });
const field = (id: string, key: string, label: string, required = false): Component => ({
  type: 'textfield',
  id,
  key,
  label,
  ...(required ? { validate: { required: true } } : {}),
});
const area = (id: string, key: string, label: string): Component => ({ type: 'textarea', id, key, label });
const check = (id: string, key: string, label: string, required = false): Component => ({
  type: 'checkbox',
  id,
  key,
  label,
  ...(required ? { validate: { required: true } } : {}),
});
const radio = (id: string, key: string, label: string, values: [string, string][]): Component => ({
  type: 'radio',
  id,
  key,
  label,
  values: values.map(([value, l]) => ({ value, label: l })),
  validate: { required: true },
});
const date = (id: string, key: string, label: string): Component => ({
  type: 'datetime',
  id,
  key,
  subtype: 'date',
  dateLabel: label,
});

const forms = [
  form('advert-intake', [
    text(
      'Text_Intro',
      '# Приём заявления на рекламную конструкцию\nСверьте документы с перечнем, сформированным по ответам заявителя.',
    ),
    field('Field_Applicant', 'applicantName', 'Заявитель (наименование или ФИО)', true),
    field('Field_Inn', 'applicantInn', 'ИНН'),
    field('Field_Phone', 'applicantPhone', 'Телефон для уведомлений'),
    field('Field_Address', 'installationAddress', 'Адрес места установки', true),
    {
      type: 'number',
      id: 'Field_Area',
      key: 'infoFieldArea',
      label: 'Площадь информационного поля, м²',
      validate: { required: true, min: 0 },
    },
    {
      type: 'select',
      id: 'Field_StructureType',
      key: 'structureType',
      label: 'Тип конструкции',
      values: [
        { value: 'billboard', label: 'Щит' },
        { value: 'citylight', label: 'Сити-формат' },
        { value: 'facade', label: 'Фасадная конструкция' },
        { value: 'roof', label: 'Крышная установка' },
      ],
    },
    check('Field_DocumentsChecked', 'documentsChecked', 'Документы проверены по перечню', true),
  ]),
  form('housing-intake', [
    text(
      'Text_Intro',
      '# Приём заявления о постановке на учёт\nСверьте документы с перечнем, сформированным по ответам заявителя.',
    ),
    field('Field_Applicant', 'applicantName', 'ФИО заявителя', true),
    field('Field_Phone', 'applicantPhone', 'Телефон для уведомлений'),
    {
      type: 'number',
      id: 'Field_FamilySize',
      key: 'familySize',
      label: 'Количество членов семьи',
      validate: { required: true, min: 1 },
    },
    {
      type: 'number',
      id: 'Field_Area',
      key: 'totalArea',
      label: 'Общая площадь занимаемого жилья, м²',
      validate: { min: 0 },
    },
    check('Field_DocumentsChecked', 'documentsChecked', 'Документы проверены по перечню', true),
  ]),
  form('subsidy-intake', [
    text('Text_Intro', '# Приём заявления на субсидию по оплате ЖКУ'),
    field('Field_Applicant', 'applicantName', 'ФИО заявителя', true),
    field('Field_Phone', 'applicantPhone', 'Телефон для уведомлений'),
    {
      type: 'number',
      id: 'Field_Income',
      key: 'familyIncome',
      label: 'Совокупный доход семьи за 6 месяцев, руб.',
      validate: { required: true, min: 0 },
    },
    field('Field_Account', 'bankAccount', 'Счёт для перечисления субсидии'),
    check('Field_DocumentsChecked', 'documentsChecked', 'Документы проверены по перечню', true),
  ]),
  form('land-plot-intake', [
    text('Text_Intro', '# Приём заявления многодетной семьи на земельный участок'),
    field('Field_Applicant', 'applicantName', 'ФИО заявителя', true),
    field('Field_Phone', 'applicantPhone', 'Телефон для уведомлений'),
    {
      type: 'number',
      id: 'Field_Children',
      key: 'childrenCount',
      label: 'Количество детей в семье',
      validate: { required: true, min: 3 },
    },
    field('Field_Location', 'preferredLocation', 'Желаемое расположение участка'),
    check('Field_DocumentsChecked', 'documentsChecked', 'Документы проверены по перечню', true),
  ]),
  form('zoning-check', [
    text('Text_Intro', '# Проверка соответствия участка правилам землепользования и застройки'),
    field('Field_Zone', 'territorialZone', 'Территориальная зона', true),
    radio('Field_Compliant', 'zoningCompliant', 'Вид разрешённого использования допускает ИЖС', [
      ['yes', 'Да'],
      ['no', 'Нет'],
    ]),
  ]),
  form('construction-intake', [
    text('Text_Intro', '# Приём заявления на разрешение на строительство'),
    field('Field_Applicant', 'applicantName', 'Застройщик (наименование или ФИО)', true),
    field('Field_Object', 'objectName', 'Наименование объекта капитального строительства', true),
    field('Field_Cadastral', 'cadastralNumber', 'Кадастровый номер земельного участка', true),
    field('Field_Phone', 'applicantPhone', 'Телефон для уведомлений'),
    check('Field_DocumentsChecked', 'documentsChecked', 'Документы проверены по перечню', true),
  ]),
  form('heritage-approval', [
    text('Text_Intro', '# Согласование с органом охраны объектов культурного наследия'),
    field('Field_Number', 'heritageConclusionNumber', 'Номер заключения', true),
    date('Field_Date', 'heritageConclusionDate', 'Дата заключения'),
    radio('Field_Result', 'heritageResult', 'Итог', [
      ['agreed', 'Соответствует предмету охраны'],
      ['rejected', 'Не соответствует'],
    ]),
  ]),
  form('interagency-overdue', [
    text('Text_Intro', '# Ответ на межведомственный запрос не получен в срок'),
    radio('Field_Action', 'overdueAction', 'Действие', [
      ['repeat', 'Направить повторный запрос'],
      ['applicant', 'Запросить документ у заявителя'],
      ['proceed', 'Продолжить рассмотрение по имеющимся сведениям'],
    ]),
    area('Field_Comment', 'overdueComment', 'Комментарий'),
  ]),
  form('case-review', [
    text('Text_Intro', '# Рассмотрение заявления'),
    radio('Field_Decision', 'decision', 'Решение', [
      ['approve', 'Предоставить услугу'],
      ['refuse', 'Отказать'],
    ]),
    area('Field_Reason', 'decisionReason', 'Основание решения (для отказа — пункт регламента)'),
  ]),
  form('commission-approval', [
    text('Text_Intro', '# Согласование с комиссией по наружной рекламе'),
    field('Field_Protocol', 'commissionProtocol', 'Номер протокола комиссии', true),
    date('Field_Date', 'commissionDate', 'Дата заседания'),
    radio('Field_Result', 'commissionResult', 'Итог', [
      ['agreed', 'Согласовано'],
      ['rejected', 'Не согласовано'],
    ]),
  ]),
  form('priority-check', [
    text('Text_Intro', '# Проверка права на внеочередное предоставление жилья'),
    radio('Field_Priority', 'priorityConfirmed', 'Право подтверждено', [
      ['yes', 'Да'],
      ['no', 'Нет'],
    ]),
    area('Field_Basis', 'priorityBasis', 'Основание (статья 57 ЖК РФ)'),
  ]),
  form('document-prepare', [
    text('Text_Intro', '# Подготовка документа'),
    field('Field_Number', 'documentNumber', 'Регистрационный номер документа', true),
    date('Field_Date', 'documentDate', 'Дата документа'),
  ]),
  form('head-approval', [
    text('Text_Intro', '# Подписание руководителем'),
    check('Field_Signed', 'signed', 'Документ подписан', true),
    area('Field_Remarks', 'headRemarks', 'Замечания'),
  ]),
  form('result-issue', [
    text('Text_Intro', '# Выдача результата заявителю'),
    radio('Field_Channel', 'issueChannel', 'Способ выдачи', [
      ['office', 'Лично в МФЦ'],
      ['post', 'Почтой'],
      ['portal', 'В личный кабинет'],
    ]),
    date('Field_IssuedOn', 'issuedOn', 'Дата выдачи'),
  ]),
];

fs.mkdirSync(formsDir, { recursive: true });
for (const r of [advert, housingNeed, housingSubsidy, landPlot, constructionPermit])
  fs.writeFileSync(path.join(root, `${r.code}.bpmn`), regulation(r));
for (const f of forms) fs.writeFileSync(path.join(formsDir, `${f.id}.form`), `${JSON.stringify(f, null, 2)}\n`);
// The package «Смена места жительства» is made by the constructor's own template over two housing services.
const packages: [string, string, Regulation[]][] = [
  ['relocation', 'Смена места жительства', [housingNeed, housingSubsidy]],
  ['child-birth', 'Рождение ребёнка', [housingNeed, landPlot]],
];
for (const [code, title, regs] of packages) {
  const members = [];
  for (const r of regs) members.push({ code: r.code, title: r.title, model: (await parseBpmn(regulation(r))).model });
  const pkg = generatePackage({ code, title, department: 'mfc-central', members });
  fs.writeFileSync(path.join(root, `${code}.bpmn`), pkg.xml);
  for (const f of pkg.forms) fs.writeFileSync(path.join(formsDir, `${f.id}.form`), `${JSON.stringify(f, null, 2)}\n`);
}
console.log(
  'written',
  [advert, housingNeed, housingSubsidy, landPlot, constructionPermit].map((r) => r.code).join(', '),
  packages.map((p) => p[0]).join(', '),
  'and their forms',
);
