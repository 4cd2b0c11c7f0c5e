import type { Knex } from 'knex';
import type { Engine } from '../engine.js';
import { bad, optString } from './user-tasks.js';

// What the REST resource modules share: the request as the router sees it, the engine operations
// they call, and readers of JSON body fields.

export type Json = Record<string, unknown>;

/** Runs queries outside a command (Engine.query). */
export type QueryRunner = <T>(fn: (db: Knex | Knex.Transaction) => Promise<T>) => Promise<T>;

/** The engine operations these endpoints call. */
export type EngineCommands = Pick<
  Engine,
  | 'activateJobs'
  | 'onJobs'
  | 'onClose'
  | 'returnJobs'
  | 'addJobSink'
  | 'failJob'
  | 'throwError'
  | 'updateJobRetries'
  | 'updateJobTimeout'
  | 'createProcessInstance'
  | 'createProcessInstanceWithResult'
  | 'cancelProcessInstance'
  | 'deploy'
  | 'publishMessage'
>;

/** A request as the router sees it: JSON body, or the raw bytes of a multipart body. */
export interface RestRequest {
  method: string;
  path: string;
  body: Json;
  raw: Buffer;
  contentType: string;
  /** True once the client has gone (long polls stop). */
  gone(): boolean;
  /** Calls back when the client goes (a waiting long poll ends at once). */
  onGone(callback: () => void): void;
}

export function reqString(body: Json, name: string): string {
  const v = optString(body, name);
  if (!v) throw bad(`No ${name} provided`);
  return v;
}

/** An integer; int64 fields may come as JSON strings (the REST client sends them so in strict mode). */
export function optInt(body: Json, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^-?\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n))
    throw bad(`Expected '${name}' to be an integer, but was '${String(v)}'`);
  return n;
}

export function optStrings(body: Json, name: string): string[] {
  const v = body[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string'))
    throw bad(`Expected '${name}' to be a list of strings`);
  return v as string[];
}
