import { DEFAULT_TENANT } from '../engine.js';
import type { RestRouter } from './router.js';
import { bad } from './user-tasks.js';
import { type EngineCommands, type QueryRunner, type RestRequest } from './request.js';

/** Reads the parts of a multipart/form-data body (the standard Fetch API parser). */
async function formParts(
  req: RestRequest,
): Promise<{ files: { name: string; content: Buffer }[]; fields: Map<string, string> }> {
  if (!req.contentType.toLowerCase().startsWith('multipart/form-data'))
    throw bad("Expected a 'multipart/form-data' body with one or more 'resources'");
  let form: FormData;
  try {
    form = await new Request('http://localhost/', {
      method: 'POST',
      headers: { 'content-type': req.contentType },
      body: new Uint8Array(req.raw),
    }).formData();
  } catch {
    throw bad('The multipart body could not be read');
  }
  const files: { name: string; content: Buffer }[] = [];
  const fields = new Map<string, string>();
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') fields.set(name, value);
    else if (name === 'resources') files.push({ name: value.name, content: Buffer.from(await value.arrayBuffer()) });
  }
  return { files, fields };
}

/** Registers deployment (multipart: BPMN and form resources). */
export function registerDeployments(router: RestRouter, query: QueryRunner, engine: EngineCommands): void {
  router.add('POST', '/v2/deployments', async (req) => {
    const { files, fields } = await formParts(req);
    if (!files.length) throw bad("Expected at least one file part named 'resources'");
    const tenantId = fields.get('tenantId') || DEFAULT_TENANT;
    const deployed = await engine.deploy(files, tenantId);
    return {
      status: 200,
      body: {
        deploymentKey: deployed.key,
        tenantId,
        deployments: deployed.deployments.map((d) =>
          d.kind === 'process'
            ? {
                processDefinition: {
                  processDefinitionId: d.id,
                  processDefinitionVersion: d.version,
                  processDefinitionKey: d.key,
                  resourceName: d.resourceName,
                  tenantId: d.tenantId,
                },
              }
            : {
                form: {
                  formId: d.id,
                  version: d.version,
                  formKey: d.key,
                  resourceName: d.resourceName,
                  tenantId: d.tenantId,
                },
              },
        ),
      },
    };
  });
}
