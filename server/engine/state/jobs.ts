/** The engine_jobs table: its row and the gateway's form of an activated job. */
import type { ActivatedJob } from '../api.js';

export interface JobRow {
  key: number;
  type: string;
  state: 'activatable' | 'activated' | 'backoff' | 'failed';
  retries: number;
  deadline: Date | null;
  worker: string;
  processInstanceKey: number;
  rootKey: number;
  elementInstanceKey: number;
  elementId: string;
  bpmnProcessId: string;
  processDefinitionKey: number;
  processDefinitionVersion: number;
  customHeaders: Record<string, string>;
  scopePath: (number | string)[];
  tenantId: string;
}

/** The columns of a JobRow, for statements that return jobs. */
export const JOB_COLUMNS = [
  'key',
  'type',
  'state',
  'retries',
  'deadline',
  'worker',
  'process_instance_key',
  'root_key',
  'element_instance_key',
  'element_id',
  'bpmn_process_id',
  'process_definition_key',
  'process_definition_version',
  'custom_headers',
  'scope_path',
  'tenant_id',
];

/** The gateway's form of an activated job. */
export function activatedJob(j: JobRow, variables: Record<string, unknown>): ActivatedJob {
  return {
    key: String(j.key),
    type: j.type,
    processInstanceKey: String(j.processInstanceKey),
    bpmnProcessId: j.bpmnProcessId,
    processDefinitionVersion: j.processDefinitionVersion,
    processDefinitionKey: String(j.processDefinitionKey),
    elementId: j.elementId,
    elementInstanceKey: String(j.elementInstanceKey),
    customHeaders: JSON.stringify(j.customHeaders ?? {}),
    worker: j.worker,
    retries: j.retries,
    deadline: String(j.deadline ? new Date(j.deadline).getTime() : 0),
    variables: JSON.stringify(variables),
    tenantId: j.tenantId,
  };
}
