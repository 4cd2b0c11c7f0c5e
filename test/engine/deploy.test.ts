import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zeebeProtoPath } from '../../server/engine/gateway/proto.js';
import { fixture, startTestEngine, type TestEngine } from '../helpers/engine.js';

describe('engine: deploy', () => {
  let t: TestEngine;
  beforeAll(async () => {
    t = await startTestEngine();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('answers Topology like a one-partition cluster', async () => {
    const topology = await t.zeebe.topology();
    expect(topology.partitionsCount).toBe(1);
    expect(topology.brokers[0].partitions[0].role).toBe('LEADER');
  });

  it('given a valid process, when deployed, then it gets version 1 and a 64-bit key', async () => {
    const res = await t.zeebe.deployResource({ process: fixture('one-task.bpmn'), name: 'one-task.bpmn' });
    const meta = res.deployments[0].process!;
    expect(meta.bpmnProcessId).toBe('one-task');
    expect(meta.version).toBe(1);
    expect(BigInt(meta.processDefinitionKey)).toBeGreaterThanOrEqual(2n ** 51n);
  });

  it('given a deployed process, when the same resource is deployed again, then it keeps its version', async () => {
    const res = await t.zeebe.deployResource({ process: fixture('one-task.bpmn'), name: 'one-task.bpmn' });
    expect(res.deployments[0].process!.version).toBe(1);
  });

  it('given a deployed process, when a changed resource is deployed, then the version goes up by one', async () => {
    const changed = fixture('one-task.bpmn').toString().replace('retries="3"', 'retries="4"');
    const res = await t.zeebe.deployResource({ process: Buffer.from(changed), name: 'one-task.bpmn' });
    expect(res.deployments[0].process!.version).toBe(2);
  });

  it('given a form, when deployed, then it is versioned like a process', async () => {
    const first = await t.zeebe.deployResource({ form: fixture('approval.form'), name: 'approval.form' });
    expect(first.deployments[0].form).toMatchObject({ formId: 'approval-form', version: 1 });
    const again = await t.zeebe.deployResource({ form: fixture('approval.form'), name: 'approval.form' });
    expect(again.deployments[0].form!.version).toBe(1);
  });

  it.each([
    ['missing-task-type.bpmn', 'Task_NoType', "zeebe:taskDefinition"],
    ['bad-feel.bpmn', 'Flow_Broken', 'failed to parse expression'],
    ['unsupported.bpmn', 'Gateway_Complex', 'not supported'],
  ])('given %s, when deployed, then INVALID_ARGUMENT names %s and the reason', async (file, elementId, reason) => {
    const err = await t.zeebe.deployResource({ process: fixture(file), name: file }).catch((e: unknown) => e as { code?: number; message: string });
    expect(err).toBeInstanceOf(Error);
    expect((err as { code?: number }).code).toBe(3);
    expect((err as Error).message).toContain(elementId);
    expect((err as Error).message).toContain(reason);
  });

  it('given an unknown process id, when an instance is created, then NOT_FOUND', async () => {
    const err = (await t.zeebe.createProcessInstance({ bpmnProcessId: 'nope', variables: {} }).catch((e: unknown) => e)) as { code?: number };
    expect(err.code).toBe(5);
  });

  it('given the deprecated DeployProcess RPC (a plain gRPC client on the SDK proto), then it deploys and answers the process metadata', async () => {
    const definition = protoLoader.loadSync(zeebeProtoPath(), { keepCase: true, longs: String, defaults: true });
    const Gateway = (grpc.loadPackageDefinition(definition) as any).gateway_protocol.Gateway as grpc.ServiceClientConstructor;
    const client = new Gateway(t.engine.grpcAddress, grpc.credentials.createInsecure()) as any;
    try {
      const changed = fixture('one-task.bpmn').toString().replace('id="one-task"', 'id="one-task-legacy"');
      const res = await new Promise<any>((resolve, reject) =>
        client.DeployProcess({ processes: [{ name: 'legacy.bpmn', definition: Buffer.from(changed) }] }, (err: Error | null, r: unknown) => (err ? reject(err) : resolve(r))),
      );
      expect(res.processes[0]).toMatchObject({ bpmnProcessId: 'one-task-legacy', version: 1, resourceName: 'legacy.bpmn' });
    } finally {
      client.close();
    }
  });
});
