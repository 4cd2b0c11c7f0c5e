/** Pure logic of the case screens (tested under test/client/features/cases). */
import type { ApplicantKind } from '@contract/enums';
import type { ReferenceDocument } from '@okno-moddle/index';

/** Steps of the case's process to mark on the diagram. */
export interface StepMarks {
  done: string[];
  current: string[];
  late: string[];
}

/** What the operator ticked for one document at the window. */
export type Received = 'original' | 'copy' | null;

/** The form a document is ticked in by default: what the regulation asks for (an original where both are asked). */
export function defaultForm(doc: Pick<ReferenceDocument, 'form'>): 'original' | 'copy' {
  return doc.form === 'copy' ? 'copy' : 'original';
}

/** The documents to send with the registration: those ticked, with their form. */
export function receivedDocuments(ticks: Record<string, Received>): { code: string; form: 'original' | 'copy' }[] {
  return Object.entries(ticks)
    .filter((e): e is [string, 'original' | 'copy'] => e[1] === 'original' || e[1] === 'copy')
    .map(([code, form]) => ({ code, form }));
}

/** Required documents the applicant must bring (not supplied by another agency) that are not ticked. */
export function missingRequired(documents: ReferenceDocument[], ticks: Record<string, Received>): ReferenceDocument[] {
  return documents.filter((d) => d.supplier === 'applicant' && !ticks[d.code]);
}

/** Lengths of the identifiers per applicant kind (RU), for client-side format hints; the server checks checksums. */
export function identifierLengths(kind: ApplicantKind): { inn: number[]; ogrn: number[]; snils: number[] } {
  switch (kind) {
    case 'legalEntity':
      return { inn: [10], ogrn: [13], snils: [11] };
    case 'soleTrader':
      return { inn: [12], ogrn: [15], snils: [11] };
    default:
      return { inn: [12, 10], ogrn: [], snils: [11] };
  }
}

/** Digits of a typed identifier (spaces and dashes dropped). */
export function digitsOf(value: string): string {
  return value.replace(/[\s-]/g, '');
}

/** A format hint for a typed identifier: null when empty or well-formed, else the expected lengths. */
export function identifierProblem(value: string, lengths: number[]): { digits: number } | null {
  const v = digitsOf(value);
  if (!v || lengths.length === 0) return null;
  if (!/^\d+$/.test(v) || !lengths.includes(v.length)) return { digits: lengths[0]! };
  return null;
}

/** The recently used services of the intake screen (newest first, at most `max`), kept in localStorage. */
export function pushRecent(list: string[], code: string, max = 6): string[] {
  return [code, ...list.filter((c) => c !== code)].slice(0, max);
}

/** Step variables worth showing: everything except what the case itself put into the process. */
const CASE_VARIABLES = new Set([
  'caseId',
  'caseNumber',
  'serviceCode',
  'serviceVersion',
  'serviceTitle',
  'applicantName',
  'applicantKind',
  'officeId',
  'answers',
  'situations',
  'variant',
  'documents',
]);

/** The variables completed steps produced, from the timeline's `stepCompleted` events (latest value wins). */
export function stepVariables(
  events: { kind: string; data: Record<string, unknown> }[],
): { step: string; key: string; value: string }[] {
  const out: { step: string; key: string; value: string }[] = [];
  for (const e of events) {
    if (e.kind !== 'stepCompleted') continue;
    const vars = e.data.variables;
    if (!vars || typeof vars !== 'object') continue;
    const step = String(e.data.name ?? e.data.elementId ?? '');
    for (const [key, value] of Object.entries(vars as Record<string, unknown>)) {
      if (CASE_VARIABLES.has(key)) continue;
      out.push({ step, key, value: typeof value === 'string' ? value : JSON.stringify(value) });
    }
  }
  return out;
}
