import type { JsonWrite, Table, Timestamps, TimestampWrite } from '../../platform/tables.js';
import type { ServiceCard } from './services.service.js';
import type { FormDoc } from './services.validation.js';
import type { ServiceKindName } from '../../contract/services.js';

/** `services`: a service in the constructor (its draft) and the number of its latest published version. */
export interface ServiceRow extends Timestamps {
  id: number;
  code: string;
  title: string;
  department: string;
  /** Written only as 'service' or 'package' (from the model's okno:service kind). */
  kind: ServiceKindName;
  draftXml: string;
  draftForms: FormDoc[];
  draftRevision: number;
  latestVersion: number | null;
  publishedAt: Date | null;
  createdBy: number | null;
  updatedBy: number | null;
}

/** `service_versions`: a published version, as deployed to the engine. */
export interface ServiceVersionRow {
  id: number;
  serviceId: number;
  version: number;
  draftRevision: number;
  xml: string;
  deployedXml: string;
  forms: FormDoc[];
  card: ServiceCard;
  comment: string | null;
  publishedBy: number | null;
  publishedAt: Date;
  deploymentKey: string;
  processDefinitionKey: string;
  processVersion: number;
}

declare module 'knex/types/tables.js' {
  interface Tables {
    services: Table<
      ServiceRow,
      'id' | 'kind' | 'draftRevision' | 'createdAt' | 'updatedAt',
      { draftForms?: JsonWrite<FormDoc[]>; publishedAt?: TimestampWrite | null }
    >;
    service_versions: Table<
      ServiceVersionRow,
      'id' | 'publishedAt',
      { forms?: JsonWrite<FormDoc[]>; card: JsonWrite<ServiceCard>; publishedAt?: TimestampWrite }
    >;
  }
}
