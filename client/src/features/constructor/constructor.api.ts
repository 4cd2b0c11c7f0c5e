import { http, type Page, type QueryValue } from '../../api/http';
import type { Answers, Deadline, PackageMember, Question, ReferenceDocument, ServiceMeta, Situation, Variant } from '@okno-moddle/index';

export type { Answers, Deadline, Question, ReferenceDocument, Situation, Variant };

export type ServiceStatus = 'draft' | 'published';
export type ServiceKindName = 'service' | 'package';

/** A form-js schema stored with a service (intake form, task forms). */
export interface FormSchema {
  id: string;
  type: string;
  components: unknown[];
  [key: string]: unknown;
}

/** A row of the service list. */
export interface ServiceSummary {
  code: string;
  title: string;
  department: string;
  kind: ServiceKindName;
  status: ServiceStatus;
  latestVersion: number | null;
  draftRevision: number;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A service with its draft. */
export interface ServiceDetail extends ServiceSummary {
  draft: { xml: string; forms: FormSchema[]; revision: number };
  hasUnpublishedChanges: boolean;
}

/** One problem of a model: where, which field, a stable code and a message in the user's language. */
export interface Problem {
  elementId: string;
  field: string;
  code: string;
  severity: 'error' | 'warning';
  message: string;
}

/** Result of the variant-coverage check: answer combinations leading to no or several variants. */
export interface Coverage {
  checked: number;
  total: number;
  tooLarge: boolean;
  limit: number;
  gaps: { answers: Answers; situations: string[]; variants: string[] }[];
  conflicts: { answers: Answers; situations: string[]; variants: string[] }[];
  gapCount: number;
  conflictCount: number;
}

export interface ValidationReport {
  valid: boolean;
  problems: Problem[];
  coverage: Coverage | null;
}

/** "Try it" answer: what an applicant with these answers must bring and which route the case takes. */
export interface TryResult {
  situations: string[];
  documents: ReferenceDocument[];
  variant: { code: string; title: string } | null;
  matchingVariants: string[];
  deadline: Deadline | null;
  members: { service: string; title: string; variant: string | null; deadline: Deadline | null }[];
  asked: string[];
  problems: { questionId: string; code: string; optionId?: string }[];
  route: { elements: string[]; undetermined: string[] };
}

export interface PublishResult {
  code: string;
  version: number;
  processDefinitionKey: string;
  processVersion: number;
  warnings: Problem[];
}

/** A published version in the history list. */
export interface VersionSummary {
  version: number;
  comment: string | null;
  publishedAt: string;
  publishedBy: number | null;
  publishedByName: string | null;
  processDefinitionKey: string;
  processVersion: number;
}

/** A published version with its XML. */
export interface VersionDetail {
  code: string;
  version: number;
  comment: string | null;
  publishedAt: string;
  xml: string;
  forms: FormSchema[];
  card: { meta: ServiceMeta | null; situations: Situation[]; questions: Question[]; documents: ReferenceDocument[]; variants: Variant[]; members: PackageMember[] };
}

/** The downloadable service file. */
export interface ServiceBundle {
  format: 'okno-service';
  formatVersion: 1;
  code: string;
  title?: string;
  version?: number | null;
  exportedAt?: string;
  xml: string;
  forms: FormSchema[];
}

export interface StaffGroupOption {
  id: number;
  code: string;
  name: string;
}

export interface DepartmentOption {
  code: string;
  name: string;
  shortName: string | null;
  kind: string;
  isActive: boolean;
}

export interface ServiceListQuery {
  page: number;
  pageSize: number;
  search?: string;
  department?: string | null;
  status?: ServiceStatus | null;
  kind?: ServiceKindName | null;
}

export interface CreateServiceInput {
  code: string;
  title: string;
  department: string;
}

export interface PackageInput extends CreateServiceInput {
  members: string[];
}

const enc = encodeURIComponent;

/** Calls of /api/services (the constructor) and the org pickers it needs. */
export const constructorApi = {
  list: (query: ServiceListQuery) => http.get<Page<ServiceSummary>>('/api/services', query as unknown as Record<string, QueryValue>),
  get: (code: string) => http.get<ServiceDetail>(`/api/services/${enc(code)}`),
  create: (input: CreateServiceInput) => http.post<ServiceDetail>('/api/services', input),
  saveDraft: (code: string, draft: { xml: string; forms: FormSchema[]; revision?: number }) => http.put<ServiceDetail>(`/api/services/${enc(code)}/draft`, draft),
  /** Validates the given XML and forms (or the stored draft when none are given). */
  validate: (code: string, draft: { xml?: string; forms?: FormSchema[] } = {}) => http.post<ValidationReport>(`/api/services/${enc(code)}/validate`, draft),
  /** "Try it" on the given (unsaved) XML, or on the stored draft when none is given. */
  tryIt: (code: string, answers: Answers, xml?: string) => http.post<TryResult>(`/api/services/${enc(code)}/try`, xml === undefined ? { answers } : { answers, xml }),
  publish: (code: string, comment: string) => http.post<PublishResult>(`/api/services/${enc(code)}/publish`, { comment }),
  versions: (code: string) => http.get<{ items: VersionSummary[] }>(`/api/services/${enc(code)}/versions`),
  version: (code: string, version: number) => http.get<VersionDetail>(`/api/services/${enc(code)}/versions/${version}`),
  clone: (code: string, target: { code: string; title: string }) => http.post<ServiceDetail>(`/api/services/${enc(code)}/clone`, target),
  /** The service file (draft, or a published version). */
  exportBundle: (code: string, version?: number) => http.get<ServiceBundle>(`/api/services/${enc(code)}/export`, { version }),
  importBundle: (bundle: ServiceBundle, replace: boolean) => http.post<ServiceDetail>('/api/services/import', bundle, { query: { replace } }),
  composePackage: (input: PackageInput) => http.post<ServiceDetail>('/api/services/packages', input),
  /** Staff groups for the candidate-group picker. */
  groups: async (): Promise<StaffGroupOption[]> => (await http.get<Page<StaffGroupOption>>('/api/org/groups', { page: 1, pageSize: 200, sort: 'code' })).items,
  /** Org units; departments for the filter and the create form. */
  units: async (): Promise<DepartmentOption[]> => (await http.get<{ items: DepartmentOption[] }>('/api/org/units', { pageSize: 200 })).items,
};

/** The file name a downloaded service is saved under. */
export function bundleFileName(bundle: Pick<ServiceBundle, 'code' | 'version'>): string {
  return `${bundle.code}${bundle.version ? `-v${bundle.version}` : ''}.okno.json`;
}

/** Reads an uploaded service file; throws a readable error when it is not one. */
export async function readBundleFile(file: Blob): Promise<ServiceBundle> {
  const text = await file.text();
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('not_json');
  }
  const b = data as Partial<ServiceBundle>;
  if (!b || b.format !== 'okno-service' || typeof b.code !== 'string' || typeof b.xml !== 'string') throw new Error('not_bundle');
  return { format: 'okno-service', formatVersion: 1, code: b.code, xml: b.xml, forms: Array.isArray(b.forms) ? b.forms : [] };
}
