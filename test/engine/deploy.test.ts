import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeebeProtoPath } from '../../server/engine/gateway/proto.js';
import { EMBEDDED_ONLY, EXTERNAL, fixture, grpcCode, startTestEngine, type TestEngine } from '../helpers/engine.js';

/** gRPC call metadata carrying the given HTTP-style headers (the engine's credentials). */
function authMetadata(headers: Record<string, string>): grpc.Metadata {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
  return metadata;
}

describe('engine: deploy', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('given Topology, then it answers with at least one broker and a leader for every partition', async () => {
    const topology = await t.zeebe.topology();
    expect(topology.partitionsCount).toBeGreaterThanOrEqual(1);
    const leaders = new Set(
      topology.brokers.flatMap((b) => b.partitions.filter((p) => p.role === 'LEADER').map((p) => p.partitionId)),
    );
    expect(leaders.size).toBe(topology.partitionsCount);
  });

  it('given a valid process, when deployed, then it gets version 1 and a 64-bit key', async () => {
    const res = await t.deploy('one-task.bpmn');
    const meta = res.deployments[0].process!;
    expect(meta.bpmnProcessId).toBe(t.id('one-task'));
    expect(meta.version).toBe(1);
    expect(BigInt(meta.processDefinitionKey)).toBeGreaterThanOrEqual(2n ** 51n);
  });

  it('given a deployed process, when the same resource is deployed again, then it keeps its version', async () => {
    const res = await t.deploy('one-task.bpmn');
    expect(res.deployments[0].process!.version).toBe(1);
  });

  it('given a deployed process, when a changed resource is deployed, then the version goes up by one', async () => {
    const res = await t.deploy(
      'one-task.bpmn',
      fixture('one-task.bpmn').toString().replace('retries="3"', 'retries="4"'),
    );
    expect(res.deployments[0].process!.version).toBe(2);
  });

  it('given a form, when deployed, then it is versioned like a process', async () => {
    const first = await t.deploy('approval.form');
    expect(first.deployments[0].form).toMatchObject({ formId: t.id('approval-form'), version: 1 });
    const again = await t.deploy('approval.form');
    expect(again.deployments[0].form!.version).toBe(1);
  });

  it.each([
    ['missing-task-type.bpmn', 'Task_NoType', 'zeebe:taskDefinition'],
    ['bad-feel.bpmn', 'Flow_Broken', 'failed to parse expression'],
    ['unsupported.bpmn', 'Gateway_Complex', 'not supported'],
  ])('given %s, when deployed, then INVALID_ARGUMENT names %s and the reason', async (file, elementId, reason) => {
    const err = await t.deploy(file).catch((e: unknown) => e as { code?: number; message: string });
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: number }).code).toBe(3);
    expect((err as Error).message).toContain(elementId);
    expect((err as Error).message).toContain(reason);
  });

  it('given an event-based gateway with fewer than two outgoing flows, when deployed, then INVALID_ARGUMENT names the gateway', async () => {
    const err = (await t.deploy('event-gateway-one-flow.bpmn').catch((e: unknown) => e)) as Error & { code?: number };
    expect(err.code).toBe(3);
    expect(err.message).toContain('Gateway_Lonely');
  });

  it('given an unknown process id, when an instance is created, then NOT_FOUND', async () => {
    expect(await grpcCode(t.zeebe.createProcessInstance({ bpmnProcessId: t.id('nope'), variables: {} }))).toBe(5);
  });

  it.skipIf(EXTERNAL)(
    `given the deprecated DeployProcess RPC (a plain gRPC client on the SDK proto), then it deploys and answers the process metadata ${EMBEDDED_ONLY.internals}`,
    async () => {
      const definition = protoLoader.loadSync(zeebeProtoPath(), { keepCase: true, longs: String, defaults: true });
      const Gateway = (grpc.loadPackageDefinition(definition) as any).gateway_protocol
        .Gateway as grpc.ServiceClientConstructor;
      const client = new Gateway(t.engine.grpcAddress, grpc.credentials.createInsecure()) as any;
      try {
        const changed = fixture('one-task.bpmn').toString().replace('id="one-task"', 'id="one-task-legacy"');
        const res = await new Promise<any>((resolve, reject) =>
          client.DeployProcess(
            { processes: [{ name: 'legacy.bpmn', definition: Buffer.from(changed) }] },
            authMetadata(t.authHeaders),
            (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r)),
          ),
        );
        expect(res.processes[0]).toMatchObject({
          bpmnProcessId: 'one-task-legacy',
          version: 1,
          resourceName: 'legacy.bpmn',
        });
      } finally {
        client.close();
      }
    },
  );
});
