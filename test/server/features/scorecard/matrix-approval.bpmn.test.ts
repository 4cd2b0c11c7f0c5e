import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  APPROVAL_BPMN_FILE,
  APPROVAL_PROCESS_ID,
  LOCK_MATRIX_JOB_TYPE,
  TASK_FOR_STATUS,
} from '../../../../server/features/scorecard/matrix.approval.js';
import { parseBpmn } from '../../../../server/features/services/services.moddle.js';
import { lint } from '../../../../server/features/services/services.validation.js';

describe('workflows/scorecard/matrix-approval.bpmn', () => {
  const xml = fs.readFileSync(APPROVAL_BPMN_FILE, 'utf8');

  it('given the approval model, then it lints without errors under the Camunda 8.8 rules Okno uses for services', async () => {
    const parsed = await parseBpmn(xml);
    const problems = await lint(parsed.definitions, 'en');
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    // User tasks carry no form on purpose (the matrix screen is the form); that is the only warning.
    const formless = (p: { code: string; message: string }) =>
      p.code === 'lint.camunda-compat/user-task-definition' && p.message.includes('FormDefinition');
    expect(problems.filter((p) => !formless(p)).map((p) => `${p.elementId}: ${p.code}`)).toEqual([]);
    expect(problems.filter(formless)).toHaveLength(4);
  });

  it('given the model, then every status waiting in the engine has its user task, and the only job type is one Okno serves', async () => {
    const { model } = await parseBpmn(xml);
    expect(model.processId).toBe(APPROVAL_PROCESS_ID);
    const userTasks = model.userTasks.map((t) => t.id).sort();
    expect(userTasks).toEqual(Object.values(TASK_FOR_STATUS).sort());
    const jobTypes = [...xml.matchAll(/<zeebe:taskDefinition type="([^"]+)"/g)].map((m) => m[1]);
    expect(jobTypes).toEqual([LOCK_MATRIX_JOB_TYPE]);
  });
});
