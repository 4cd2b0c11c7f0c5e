import type { TaskChanges } from './state/user-tasks.js';
import type { CommandContext } from './processor/context.js';
import { invalidArgument } from './errors.js';

/** The engine's public shapes: what the gateway, the REST API and Okno's features exchange with it. */

export const DEFAULT_TENANT = '<default>';

/** The message consistency check's findings (Engine.checkMessageConsistency). */
export interface MessageConsistency {
  /** Matching (buffered message, open subscription) pairs the last check found. */
  open: number;
  /** Distinct pairs found since this engine process started. */
  total: number;
  /** When the last check ran (ISO), null before the first. */
  lastCheckedAt: string | null;
}

/** What the embedded engine reports about itself beyond liveness. */
export interface EngineHealth {
  messageInconsistencies: MessageConsistency;
}

export interface DeployedResource {
  kind: 'process' | 'form';
  id: string;
  version: number;
  key: string;
  resourceName: string;
  tenantId: string;
}

export interface ActivatedJob {
  key: string;
  type: string;
  processInstanceKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  processDefinitionKey: string;
  elementId: string;
  elementInstanceKey: string;
  customHeaders: string;
  worker: string;
  retries: number;
  deadline: string;
  variables: string;
  tenantId: string;
}

export interface ActivateRequest {
  type: string;
  worker: string;
  timeout: number;
  maxJobsToActivate: number;
  fetchVariable: string[];
  tenantIds: string[];
}

/**
 * A worker waiting for jobs of a type (an open long poll or job stream). New jobs can be activated
 * for it in the transaction that creates them, skipping the activation round trip; `deliver` runs
 * after commit and answers false when the worker is gone, and the jobs are then made activatable again.
 */
export interface JobSink {
  request: ActivateRequest;
  /** The request's tenants (the default tenant when none given). */
  tenants: string[];
  /** Jobs it takes now. */
  free: number;
  /** A long poll answers once: after one transaction reserved jobs for it, others leave it alone. */
  once: boolean;
  reservedBy?: CommandContext;
  deliver(jobs: ActivatedJob[]): boolean;
}

/** What a task listener job completes with (REST `result` of type userTask). */
export interface ListenerResult {
  denied: boolean;
  deniedReason?: string;
  corrections: TaskChanges;
}

/** Parses a JSON variables document; '' means none. */
export function parseVariables(json: string | undefined): Record<string, unknown> {
  if (!json) return {};
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw invalidArgument(`Expected to parse the variables as a JSON document, but failed: '${json.slice(0, 100)}'`);
  }
  if (value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidArgument(`Expected the variables to be a JSON object, but was '${json.slice(0, 100)}'`);
  return value as Record<string, unknown>;
}

/** A callback for "jobs of a type may be activatable". */
export type Waiter = () => void;
