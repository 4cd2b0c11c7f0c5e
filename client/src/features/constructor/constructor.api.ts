import { http, type Page, type QueryValue } from '../../api/http';
import type { Answers, Deadline, Question, ReferenceDocument, Situation, Variant } from '@okno-moddle/index';
import type { Items } from '@contract/common';
import type { StaffGroup, OrgUnit } from '@contract/org';
import type {
  CreateServiceRequest,
  FormSchema,
  PackageRequest,
  PublishResult,
  ServiceBundle,
  ServiceDetail,
  ServiceKindName,
  ServicePage,
  ServiceStatus,
  TryResult,
  ValidationReport,
  VersionDetail,
  VersionSummary,
} from '@contract/services';

export type { Answers, Deadline, Question, ReferenceDocument, Situation, Variant };

// Every answer type is the API contract's (server/contract/services.ts), re-exported under the names the screens use.
export type {
  Coverage,
  FormSchema,
  Problem,
  PublishResult,
  ServiceBundle,
  ServiceDetail,
  ServiceKindName,
  ServiceStatus,
  ServiceSummary,
  TryResult,
  ValidationReport,
  VersionDetail,
  VersionSummary,
} from '@contract/services';

/** A staff group for the candidate-group picker. */
export type StaffGroupOption = StaffGroup;
/** An org unit for the department filter and the create form. */
export type DepartmentOption = OrgUnit;

export interface ServiceListQuery {
  page: number;
  pageSize: number;
  search?: string;
  department?: string | null;
  status?: ServiceStatus | null;
  kind?: ServiceKindName | null;
}

export type CreateServiceInput = CreateServiceRequest;
export type PackageInput = PackageRequest;

const enc = encodeURIComponent;

/** Calls of /api/services (the constructor) and the org pickers it needs. */
export const constructorApi = {
  list: (query: ServiceListQuery) =>
    http.get<ServicePage>('/api/services', query as unknown as Record<string, QueryValue>),
  get: (code: string) => http.get<ServiceDetail>(`/api/services/${enc(code)}`),
  create: (input: CreateServiceInput) => http.post<ServiceDetail>('/api/services', input),
  saveDraft: (code: string, draft: { xml: string; forms: FormSchema[]; revision?: number }) =>
    http.put<ServiceDetail>(`/api/services/${enc(code)}/draft`, draft),
  /** Validates the given XML and forms (or the stored draft when none are given). */
  validate: (code: string, draft: { xml?: string; forms?: FormSchema[] } = {}) =>
    http.post<ValidationReport>(`/api/services/${enc(code)}/validate`, draft),
  /** "Try it" on the given (unsaved) XML, or on the stored draft when none is given. */
  tryIt: (code: string, answers: Answers, xml?: string) =>
    http.post<TryResult>(`/api/services/${enc(code)}/try`, xml === undefined ? { answers } : { answers, xml }),
  publish: (code: string, comment: string) =>
    http.post<PublishResult>(`/api/services/${enc(code)}/publish`, { comment }),
  versions: (code: string) => http.get<Items<VersionSummary>>(`/api/services/${enc(code)}/versions`),
  version: (code: string, version: number) => http.get<VersionDetail>(`/api/services/${enc(code)}/versions/${version}`),
  clone: (code: string, target: { code: string; title: string }) =>
    http.post<ServiceDetail>(`/api/services/${enc(code)}/clone`, target),
  /** The service file (draft, or a published version). */
  exportBundle: (code: string, version?: number) =>
    http.get<ServiceBundle>(`/api/services/${enc(code)}/export`, { version }),
  importBundle: (bundle: ServiceBundle, replace: boolean) =>
    http.post<ServiceDetail>('/api/services/import', bundle, { query: { replace } }),
  composePackage: (input: PackageInput) => http.post<ServiceDetail>('/api/services/packages', input),
  /** Staff groups for the candidate-group picker. */
  groups: async (): Promise<StaffGroupOption[]> =>
    (await http.get<Page<StaffGroup>>('/api/org/groups', { page: 1, pageSize: 200, sort: 'code' })).items,
  /** Org units; departments for the filter and the create form. */
  units: async (): Promise<DepartmentOption[]> =>
    (await http.get<Items<OrgUnit>>('/api/org/units', { pageSize: 200 })).items,
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
  if (!b || b.format !== 'okno-service' || typeof b.code !== 'string' || typeof b.xml !== 'string')
    throw new Error('not_bundle');
  return {
    format: 'okno-service',
    formatVersion: 1,
    code: b.code,
    xml: b.xml,
    forms: Array.isArray(b.forms) ? b.forms : [],
  };
}
