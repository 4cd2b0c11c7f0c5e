// Validation and input messages in the three product languages. Templates use {param} placeholders.

export const LOCALES = ['ru', 'en', 'uk'] as const;
export type Locale = (typeof LOCALES)[number];

type Catalog = Record<string, Record<Locale, string>>;

const M: Catalog = {
  service_invalid: {
    ru: 'В модели услуги есть ошибки ({count}): {detail}',
    en: 'The service model has errors ({count}): {detail}',
    uk: 'У моделі послуги є помилки ({count}): {detail}',
  },
  xml_malformed: {
    ru: 'XML не читается: {detail}',
    en: 'The XML cannot be read: {detail}',
    uk: 'XML не читається: {detail}',
  },
  xml_invalid: { ru: 'Ошибка в XML: {detail}', en: 'Invalid XML content: {detail}', uk: 'Помилка в XML: {detail}' },
  xml_unknown_element: {
    ru: 'Неизвестный элемент или атрибут: {detail}',
    en: 'Unknown element or attribute: {detail}',
    uk: 'Невідомий елемент або атрибут: {detail}',
  },
  process_count: {
    ru: 'Файл должен содержать ровно один процесс (найдено: {count})',
    en: 'The file must contain exactly one process (found {count})',
    uk: 'Файл має містити рівно один процес (знайдено: {count})',
  },
  service_meta_missing: {
    ru: 'Нет карточки услуги (okno:service)',
    en: 'The service card (okno:service) is missing',
    uk: 'Немає картки послуги (okno:service)',
  },
  service_code_invalid: {
    ru: 'Код услуги «{code}» недопустим: латиница в нижнем регистре, цифры и дефис, 2–63 символа',
    en: 'Service code "{code}" is invalid: lower-case latin letters, digits and hyphens, 2–63 characters',
    uk: 'Код послуги «{code}» неприпустимий: латиниця в нижньому регістрі, цифри й дефіс, 2–63 символи',
  },
  process_id_mismatch: {
    ru: 'Идентификатор процесса «{processId}» должен совпадать с кодом услуги «{code}»',
    en: 'Process id "{processId}" must equal the service code "{code}"',
    uk: 'Ідентифікатор процесу «{processId}» має збігатися з кодом послуги «{code}»',
  },
  code_mismatch: {
    ru: 'Код услуги в файле «{found}» не совпадает с кодом «{expected}»',
    en: 'Service code in the file "{found}" does not match "{expected}"',
    uk: 'Код послуги у файлі «{found}» не збігається з «{expected}»',
  },
  service_title_missing: {
    ru: 'Не указано наименование услуги',
    en: 'The service title is missing',
    uk: 'Не вказано назву послуги',
  },
  department_unknown: {
    ru: 'Подразделение «{code}» не найдено в оргструктуре',
    en: 'Department "{code}" is not in the org structure',
    uk: 'Підрозділ «{code}» не знайдено в оргструктурі',
  },
  service_kind_invalid: {
    ru: 'Вид услуги «{value}» недопустим (service или package)',
    en: 'Service kind "{value}" is invalid (service or package)',
    uk: 'Вид послуги «{value}» неприпустимий (service або package)',
  },
  deadline_missing: { ru: 'Не указан срок', en: 'The deadline is missing', uk: 'Не вказано строк' },
  deadline_invalid: {
    ru: 'Срок должен быть положительным числом рабочих (workingDays) или календарных (calendarDays) дней',
    en: 'The deadline must be a positive number of workingDays or calendarDays',
    uk: 'Строк має бути додатним числом робочих (workingDays) або календарних (calendarDays) днів',
  },
  result_missing: {
    ru: 'Не указан ни один результат услуги',
    en: 'No result of the service is declared',
    uk: 'Не вказано жодного результату послуги',
  },
  user_task_not_zeebe: {
    ru: 'Шаг должен быть пользовательской задачей Camunda (zeebe:userTask)',
    en: 'The step must be a Camunda user task (zeebe:userTask)',
    uk: 'Крок має бути користувацькою задачею Camunda (zeebe:userTask)',
  },
  user_task_owner_missing: {
    ru: 'У шага нет исполнителя или группы исполнителей',
    en: 'The step has no assignee or candidate group',
    uk: 'Крок не має виконавця або групи виконавців',
  },
  candidate_group_unknown: {
    ru: 'Группа «{group}» не найдена в оргструктуре',
    en: 'Group "{group}" is not in the org structure',
    uk: 'Групу «{group}» не знайдено в оргструктурі',
  },
  user_task_deadline_missing: {
    ru: 'У шага не указан срок (например, 3 рабочих дня)',
    en: 'The step has no deadline (e.g. 3 working days)',
    uk: 'Для кроку не вказано строк (наприклад, 3 робочі дні)',
  },
  form_unknown: {
    ru: 'Форма «{formId}» не найдена среди форм услуги',
    en: 'Form "{formId}" is not among the service forms',
    uk: 'Форму «{formId}» не знайдено серед форм послуги',
  },
  form_invalid: {
    ru: 'Форма «{formId}» некорректна: {detail}',
    en: 'Form "{formId}" is invalid: {detail}',
    uk: 'Форма «{formId}» некоректна: {detail}',
  },
  form_unused: {
    ru: 'Форма «{formId}» нигде не используется',
    en: 'Form "{formId}" is not used by any step',
    uk: 'Форма «{formId}» ніде не використовується',
  },
  check_document_unknown: {
    ru: 'Документ «{code}» не найден в эталонном перечне',
    en: 'Document "{code}" is not in the reference list',
    uk: 'Документ «{code}» не знайдено в еталонному переліку',
  },
  document_code_missing: {
    ru: 'У документа не указан код',
    en: 'The document has no code',
    uk: 'Документ не має коду',
  },
  document_title_missing: {
    ru: 'У документа «{code}» не указано наименование',
    en: 'Document "{code}" has no title',
    uk: 'Документ «{code}» не має назви',
  },
  document_duplicate: {
    ru: 'Документ «{code}» указан дважды',
    en: 'Document "{code}" is listed twice',
    uk: 'Документ «{code}» вказано двічі',
  },
  document_form_invalid: {
    ru: 'Документ «{code}»: вид «{value}» недопустим (original, copy, originalAndCopy)',
    en: 'Document "{code}": form "{value}" is invalid (original, copy, originalAndCopy)',
    uk: 'Документ «{code}»: вид «{value}» неприпустимий (original, copy, originalAndCopy)',
  },
  document_supplier_invalid: {
    ru: 'Документ «{code}»: источник «{value}» недопустим (applicant или interagency)',
    en: 'Document "{code}": supplier "{value}" is invalid (applicant or interagency)',
    uk: 'Документ «{code}»: джерело «{value}» неприпустиме (applicant або interagency)',
  },
  situation_code_missing: {
    ru: 'У жизненной ситуации не указан код',
    en: 'A life situation has no code',
    uk: 'Життєва ситуація не має коду',
  },
  situation_duplicate: {
    ru: 'Жизненная ситуация {code} объявлена дважды',
    en: 'Life situation {code} is declared twice',
    uk: 'Життєву ситуацію {code} оголошено двічі',
  },
  situation_unknown: {
    ru: 'Жизненная ситуация {code} не объявлена в перечне ситуаций',
    en: 'Life situation {code} is not declared',
    uk: 'Життєву ситуацію {code} не оголошено',
  },
  situation_never_set: {
    ru: 'Жизненная ситуация {code} не включается ни одним ответом опросника',
    en: 'No answer of the questionnaire switches on life situation {code}',
    uk: 'Жодна відповідь опитувальника не вмикає життєву ситуацію {code}',
  },
  situation_unused: {
    ru: 'Жизненная ситуация {code} ни на что не влияет (ни документы, ни вариант, ни маршрут)',
    en: 'Life situation {code} affects nothing (no document, variant or route)',
    uk: 'Життєва ситуація {code} ні на що не впливає (ні документи, ні варіант, ні маршрут)',
  },
  id_duplicate: {
    ru: 'Идентификатор «{id}» используется дважды',
    en: 'Id "{id}" is used twice',
    uk: 'Ідентифікатор «{id}» використано двічі',
  },
  question_id_duplicate: {
    ru: 'Идентификатор «{id}» в опроснике повторяется',
    en: 'Id "{id}" is used twice in the questionnaire',
    uk: 'Ідентифікатор «{id}» в опитувальнику повторюється',
  },
  question_id_missing: {
    ru: 'У вопроса или варианта ответа нет идентификатора',
    en: 'A question or option has no id',
    uk: 'Питання або варіант відповіді не має ідентифікатора',
  },
  question_text_missing: {
    ru: 'Не указан текст вопроса',
    en: 'The question has no text',
    uk: 'Не вказано текст питання',
  },
  question_mode_invalid: {
    ru: 'Тип вопроса «{value}» недопустим (single или multiple)',
    en: 'Question mode "{value}" is invalid (single or multiple)',
    uk: 'Тип питання «{value}» неприпустимий (single або multiple)',
  },
  question_no_options: {
    ru: 'У вопроса нет вариантов ответа',
    en: 'The question has no options',
    uk: 'Питання не має варіантів відповіді',
  },
  option_text_missing: {
    ru: 'Не указан текст варианта ответа',
    en: 'The option has no text',
    uk: 'Не вказано текст варіанта відповіді',
  },
  next_unknown_question: {
    ru: 'Следующий вопрос «{id}» не найден',
    en: 'Follow-up question "{id}" does not exist',
    uk: 'Наступне питання «{id}» не знайдено',
  },
  next_not_follow_up: {
    ru: 'Вопрос «{id}» задаётся всегда; ссылаться можно только на уточняющие вопросы (followUp)',
    en: 'Question "{id}" is always asked; only follow-up questions can be referenced',
    uk: 'Питання «{id}» ставиться завжди; посилатися можна лише на уточнювальні питання (followUp)',
  },
  follow_up_unused: {
    ru: 'Уточняющий вопрос «{id}» никогда не задаётся',
    en: 'Follow-up question "{id}" is never asked',
    uk: 'Уточнювальне питання «{id}» ніколи не ставиться',
  },
  tree_cycle: {
    ru: 'Цикл в дереве жизненных ситуаций: {path}',
    en: 'Cycle in the life-situation tree: {path}',
    uk: 'Цикл у дереві життєвих ситуацій: {path}',
  },
  variant_code_missing: {
    ru: 'У варианта услуги не указан код',
    en: 'A variant has no code',
    uk: 'Варіант послуги не має коду',
  },
  variant_duplicate: {
    ru: 'Вариант услуги «{code}» объявлен дважды',
    en: 'Variant "{code}" is declared twice',
    uk: 'Варіант послуги «{code}» оголошено двічі',
  },
  coverage_gap: {
    ru: 'Ни один вариант услуги не подходит для ответов: {answers} (ситуации: {situations})',
    en: 'No variant matches the answers: {answers} (situations: {situations})',
    uk: 'Жоден варіант послуги не підходить для відповідей: {answers} (ситуації: {situations})',
  },
  coverage_conflict: {
    ru: 'Несколько вариантов ({variants}) подходят для ответов: {answers} (ситуации: {situations})',
    en: 'Several variants ({variants}) match the answers: {answers} (situations: {situations})',
    uk: 'Кілька варіантів ({variants}) підходять для відповідей: {answers} (ситуації: {situations})',
  },
  coverage_too_large: {
    ru: 'Слишком много комбинаций ответов (более {limit}); полнота не проверена',
    en: 'Too many answer combinations (more than {limit}); completeness was not checked',
    uk: 'Забагато комбінацій відповідей (понад {limit}); повноту не перевірено',
  },
  condition_unknown_situation: {
    ru: 'Условие проверяет необъявленную ситуацию {code}',
    en: 'The condition tests an undeclared situation {code}',
    uk: 'Умова перевіряє неоголошену ситуацію {code}',
  },
  condition_unknown_variant: {
    ru: 'Условие проверяет необъявленный вариант «{code}»',
    en: 'The condition tests an undeclared variant "{code}"',
    uk: 'Умова перевіряє неоголошений варіант «{code}»',
  },
  job_type_missing: {
    ru: 'Не указан тип задания (job type)',
    en: 'The job type is missing',
    uk: 'Не вказано тип завдання (job type)',
  },
  job_type_unknown: {
    ru: 'Для типа задания «{type}» в Окне нет обработчика; объявите его внешним (okno:external)',
    en: 'Okno has no worker for job type "{type}"; declare it external (okno:external)',
    uk: 'Для типу завдання «{type}» у Вікні немає обробника; оголосіть його зовнішнім (okno:external)',
  },
  member_missing: {
    ru: 'В комплексной услуге нет ни одной услуги-участника',
    en: 'The package has no member services',
    uk: 'Пакетна послуга не містить жодної послуги-учасника',
  },
  member_unknown: {
    ru: 'Услуга-участник «{code}» не найдена среди опубликованных',
    en: 'Member service "{code}" is not a published service',
    uk: 'Послугу-учасника «{code}» не знайдено серед опублікованих',
  },
  member_duplicate: {
    ru: 'Услуга-участник «{code}» указана дважды',
    en: 'Member service "{code}" is listed twice',
    uk: 'Послугу-учасника «{code}» вказано двічі',
  },
  called_element_unknown: {
    ru: 'Вызываемый процесс «{processId}» не найден среди опубликованных услуг',
    en: 'Called process "{processId}" is not a published service',
    uk: 'Викликаний процес «{processId}» не знайдено серед опублікованих послуг',
  },
  feel_syntax: {
    ru: 'Синтаксическая ошибка FEEL в поле {field}',
    en: 'FEEL syntax error in {field}',
    uk: 'Синтаксична помилка FEEL у полі {field}',
  },
  lint: {
    ru: 'Совместимость с Camunda 8.8 ({rule}): {detail}',
    en: 'Camunda 8.8 compatibility ({rule}): {detail}',
    uk: 'Сумісність із Camunda 8.8 ({rule}): {detail}',
  },
  lint_bpmn: {
    ru: 'Ошибка моделирования ({rule}): {detail}',
    en: 'Modelling problem ({rule}): {detail}',
    uk: 'Помилка моделювання ({rule}): {detail}',
  },
  answer_missing: {
    ru: 'Нет ответа на вопрос «{questionId}»',
    en: 'Question "{questionId}" is not answered',
    uk: 'Немає відповіді на питання «{questionId}»',
  },
  answer_unknown_option: {
    ru: 'Вариант «{optionId}» не относится к вопросу «{questionId}»',
    en: 'Option "{optionId}" does not belong to question "{questionId}"',
    uk: 'Варіант «{optionId}» не належить до питання «{questionId}»',
  },
  answer_not_single: {
    ru: 'На вопрос «{questionId}» нужен один ответ',
    en: 'Question "{questionId}" takes exactly one answer',
    uk: 'На питання «{questionId}» потрібна одна відповідь',
  },
  bundle_invalid: {
    ru: 'Файл услуги некорректен: {detail}',
    en: 'The service file is invalid: {detail}',
    uk: 'Файл послуги некоректний: {detail}',
  },
};

/** Picks ru/en/uk from an Accept-Language header, falling back to the user's locale, then Russian. */
export function pickLocale(acceptLanguage: string | undefined, userLocale?: string): Locale {
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^q=([\d.]+)$/.exec(p.trim())).find(Boolean);
      return { lang: tag.toLowerCase().split('-')[0], q: q ? Number(q[1]) : 1 };
    })
    .filter((x) => (LOCALES as readonly string[]).includes(x.lang))
    .sort((a, b) => b.q - a.q);
  if (ranked.length) return ranked[0].lang as Locale;
  if (userLocale && (LOCALES as readonly string[]).includes(userLocale)) return userLocale as Locale;
  return 'ru';
}

/** Renders a message by code in the given language. */
export function message(code: string, locale: Locale, params: Record<string, string | number> = {}): string {
  const template = M[code]?.[locale] ?? M[code]?.en ?? code;
  return template.replace(/\{(\w+)\}/g, (_, k: string) => (k in params ? String(params[k]) : `{${k}}`));
}

/** True when a message code is defined (every validation code must be). */
export function hasMessage(code: string): boolean {
  return code in M;
}
