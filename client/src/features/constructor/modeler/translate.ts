// The modeler's `translate` service: Russian for the bpmn-js canvas (community translations from
// bpmn-js-i18n) and for the properties panel (Okno's own list of the labels analysts see most); Ukrainian
// with the same keys (Okno's own, in uk.ts); English is bpmn-js's original.
import bpmnJsRu from 'bpmn-js-i18n/translations/ru.js';
import { bpmnJsUk, propertiesPanelUk } from './uk';

/** Russian labels of bpmn-js-properties-panel (groups and entries of the Zeebe provider). */
export const propertiesPanelRu: Record<string, string> = {
  General: 'Общие',
  Name: 'Название',
  ID: 'ID',
  Documentation: 'Документация',
  'Element documentation': 'Документация элемента',
  'Process documentation': 'Документация процесса',
  'Process name': 'Название процесса',
  'Process ID': 'ID процесса',
  'Version tag': 'Метка версии',
  Executable: 'Исполняемый',
  Assignment: 'Назначение',
  Assignee: 'Исполнитель',
  'Candidate groups': 'Группы кандидатов',
  'Candidate users': 'Кандидаты (пользователи)',
  'Due date': 'Срок',
  'Follow up date': 'Дата напоминания',
  Priority: 'Приоритет',
  Form: 'Форма',
  Type: 'Тип',
  'Form ID': 'ID формы',
  'Camunda Form (linked)': 'Форма Camunda (по ID)',
  'Camunda Form (embedded)': 'Форма Camunda (встроенная)',
  'Custom form key': 'Собственный ключ формы',
  'External reference': 'Внешняя ссылка',
  Inputs: 'Входные переменные',
  Outputs: 'Выходные переменные',
  'Input mapping': 'Входные переменные',
  'Output mapping': 'Выходные переменные',
  Process: 'Процесс',
  'Local variable name': 'Имя локальной переменной',
  'Process variable name': 'Имя переменной процесса',
  'Variable assignment value': 'Значение переменной',
  'Task definition': 'Определение задания',
  'Job type': 'Тип задания',
  Retries: 'Повторы',
  Headers: 'Заголовки',
  Key: 'Ключ',
  Value: 'Значение',
  Condition: 'Условие',
  'Condition expression': 'Выражение условия',
  Message: 'Сообщение',
  'Global message reference': 'Ссылка на сообщение',
  'Subscription correlation key': 'Ключ корреляции подписки',
  'Correlation key': 'Ключ корреляции',
  Timer: 'Таймер',
  Duration: 'Длительность',
  Date: 'Дата',
  Cycle: 'Цикл',
  'Called element': 'Вызываемый элемент',
  'Multi-instance': 'Множественный экземпляр',
  'Input collection': 'Входная коллекция',
  'Input element': 'Элемент коллекции',
  'Output collection': 'Выходная коллекция',
  'Output element': 'Элемент результата',
  'Completion condition': 'Условие завершения',
  'Execution listeners': 'Слушатели выполнения',
  'Task listeners': 'Слушатели задачи',
  'Extension properties': 'Дополнительные свойства',
  'Result variable': 'Переменная результата',
  Script: 'Скрипт',
  Implementation: 'Реализация',
  'Job worker': 'Обработчик заданий',
  'Select an element to edit its properties.': 'Выберите элемент, чтобы изменить его свойства.',
  'Multiple elements are selected. Select a single element to edit its properties.':
    'Выбрано несколько элементов. Выберите один, чтобы изменить его свойства.',
  'Create new ...': 'Создать…',
  '<none>': '<нет>',
  '<empty>': '<пусто>',
  'Learn more.': 'Подробнее.',
  Signal: 'Сигнал',
  Error: 'Ошибка',
  Escalation: 'Эскалация',
  Link: 'Ссылка',
  'Propagate all parent process variables': 'Передавать все переменные родительского процесса',
  'Propagate all child process variables': 'Передавать все переменные дочернего процесса',
  'Output propagation': 'Передача результатов',
  'Start initiator': 'Инициатор запуска',
  'Time to live': 'Время жизни',
  Version: 'Версия',
  Binding: 'Привязка',
  'Tenant ID': 'ID арендатора',
  Source: 'Источник',
  Target: 'Цель',
  Scope: 'Область',
  Format: 'Формат',
  Expression: 'Выражение',
  Properties: 'Свойства',
};

/** bpmn-js-i18n keys are sentence case ("User task"); the properties panel's header asks in title case ("User Task"). */
const titleCased = (labels: Record<string, string>) =>
  Object.fromEntries(
    Object.entries(labels).map(([key, value]) => [key.replace(/\b[a-z]/g, (c) => c.toUpperCase()), value]),
  );

/** The Russian dictionary of the modeler UI. */
export const modelerRu: Record<string, string> = { ...titleCased(bpmnJsRu), ...bpmnJsRu, ...propertiesPanelRu };

/** The Ukrainian dictionary of the modeler UI (the same keys as the Russian one). */
export const modelerUk: Record<string, string> = { ...titleCased(bpmnJsUk), ...bpmnJsUk, ...propertiesPanelUk };

const DICTIONARIES: Record<string, Record<string, string>> = { ru: modelerRu, uk: modelerUk };

/** Fills `{name}` placeholders of a template. */
export function fillTemplate(template: string, replacements: Record<string, unknown> = {}): string {
  return template.replace(/{([^}]+)}/g, (_, key: string) =>
    replacements[key] !== undefined ? String(replacements[key]) : `{${key}}`,
  );
}

/** A diagram-js `translate` function for a UI language: Russian or Ukrainian, else the English originals. */
export function createTranslate(locale: string): (template: string, replacements?: Record<string, unknown>) => string {
  const dictionary = DICTIONARIES[locale] ?? {};
  return (template, replacements) => fillTemplate(dictionary[template] ?? template, replacements);
}

/** A diagram-js module overriding `translate` for the given language. */
export function translateModule(locale: string): Record<string, unknown> {
  return { translate: ['value', createTranslate(locale)] };
}
