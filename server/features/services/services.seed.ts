import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Knex } from 'knex';
import type { Actor } from '../../platform/http/context.js';
import { parseBpmn } from './services.moddle.js';
import type { ServicesService } from './services.service.js';
import type { FormDoc } from './services.validation.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Where the sample regulations and their forms live. */
export const WORKFLOWS_DIR = path.join(ROOT, 'workflows');
export const FORMS_DIR = path.join(ROOT, 'forms');

export interface SampleService {
  file: string;
  code: string;
  title: string;
  department: string;
  kind: 'service' | 'package';
  xml: string;
  forms: FormDoc[];
  /** Member services (a package is published after them). */
  members: string[];
}

/** Every form in forms/, by id. */
export function loadForms(dir = FORMS_DIR): Map<string, FormDoc> {
  const forms = new Map<string, FormDoc>();
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.form'))
    .sort()) {
    const form = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as FormDoc;
    forms.set(form.id, form);
  }
  return forms;
}

/** Reads workflows/*.bpmn with the forms each references; packages come after their members. */
export async function loadSampleServices(dir = WORKFLOWS_DIR, formsDir = FORMS_DIR): Promise<SampleService[]> {
  const forms = loadForms(formsDir);
  const out: SampleService[] = [];
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.bpmn'))
    .sort()) {
    const xml = fs.readFileSync(path.join(dir, file), 'utf8');
    const { model } = await parseBpmn(xml);
    // Only regulations (with an okno:service card) are sample services; Okno's own processes live in subfolders.
    if (!model.meta) continue;
    const formIds = [...new Set(model.userTasks.map((t) => t.formId).filter((x): x is string => Boolean(x)))];
    out.push({
      file,
      code: model.meta?.code ?? model.processId,
      title: model.meta?.title ?? model.processName,
      department: model.meta?.department ?? '',
      kind: model.meta?.kind === 'package' ? 'package' : 'service',
      xml,
      forms: formIds.map((id) => forms.get(id)).filter((f): f is FormDoc => Boolean(f)),
      members: model.members.map((m) => m.service),
    });
  }
  return out.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'package' ? 1 : -1));
}

/** Loads the sample services (advertising permit, housing, the «Смена места жительства» package) as drafts; idempotent. */
export async function seedServicesDemo(knex: Knex): Promise<string[]> {
  const samples = await loadSampleServices();
  const analyst = await knex('users').where({ email: 'analyst@okno.local' }).first('id');
  const added: string[] = [];
  await knex.transaction(async (trx) => {
    for (const s of samples) {
      const inserted = await trx('services')
        .insert({
          code: s.code,
          title: s.title,
          department: s.department,
          kind: s.kind,
          draftXml: s.xml,
          draftForms: JSON.stringify(s.forms),
          createdBy: analyst?.id ?? null,
          updatedBy: analyst?.id ?? null,
        })
        .onConflict('code')
        .ignore()
        .returning('code');
      if (inserted.length) added.push(s.code);
    }
  });
  return added;
}

/** Publishes every sample draft that has no version yet (members before packages); needs an engine that deploys. */
export async function publishServicesDemo(services: ServicesService, knex: Knex, actor: Actor): Promise<string[]> {
  const published: string[] = [];
  for (const s of await loadSampleServices()) {
    const row = await knex('services').where({ code: s.code }).first('latestVersion');
    if (!row || row.latestVersion) continue;
    await services.publish(s.code, 'Демонстрационная версия', actor, 'ru');
    published.push(s.code);
  }
  return published;
}
