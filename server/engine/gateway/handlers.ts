import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { DEFAULT_TENANT, parseVariables, type ActivateRequest, type DeployedResource, type Engine } from '../engine.js';
import { EngineError, invalidArgument } from '../errors.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, MAX_TIMER_MS, RECHECK_MS, coalesced, longPollJobs } from '../jobs/long-poll.js';

/** Commands in flight above which new work is rejected with RESOURCE_EXHAUSTED (completions always pass). */
const MAX_IN_FLIGHT = 2_000;

type Req = Record<string, unknown>;
type Unary = (call: grpc.ServerUnaryCall<Req, unknown>, callback: grpc.sendUnaryData<unknown>) => void;

function s(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function n(v: unknown): number {
  const num = Number(v ?? 0);
  return Number.isFinite(num) ? num : 0;
}

function key(v: unknown, what: string): number {
  const k = Number(v);
  if (!Number.isSafeInteger(k) || k <= 0) throw invalidArgument(`Expected a valid ${what}, but got '${s(v)}'`);
  return k;
}

function tenant(v: unknown): string {
  return s(v) || DEFAULT_TENANT;
}

function deploymentMetadata(d: DeployedResource): Record<string, unknown> {
  return d.kind === 'process'
    ? {
        process: {
          bpmnProcessId: d.id,
          version: d.version,
          processDefinitionKey: d.key,
          resourceName: d.resourceName,
          tenantId: d.tenantId,
        },
      }
    : {
        form: { formId: d.id, version: d.version, formKey: d.key, resourceName: d.resourceName, tenantId: d.tenantId },
      };
}

/** Builds the Gateway service handlers on top of the engine. */

export function gatewayHandlers(
  engine: Engine,
  logger: Logger,
  topology: () => unknown,
): grpc.UntypedServiceImplementation {
  const toStatus = (err: unknown): Partial<grpc.StatusObject> => {
    if (err instanceof EngineError) return { code: err.code, details: err.message };
    logger.error({ err }, 'engine command failed');
    return { code: grpc.status.INTERNAL, details: `Unexpected error in the Okno engine: ${(err as Error).message}` };
  };
  const unary =
    (fn: (req: Req) => Promise<unknown>, opts: { backpressure?: boolean } = {}): Unary =>
    (call, callback) => {
      if (opts.backpressure && engine.inFlight > MAX_IN_FLIGHT) {
        callback(
          {
            code: grpc.status.RESOURCE_EXHAUSTED,
            details: 'Expected to handle the request, but the engine is overloaded (backpressure); retry later',
          },
          null,
        );
        return;
      }
      Promise.resolve()
        .then(() => fn(call.request))
        .then(
          (r) => callback(null, r),
          (err: unknown) => callback(toStatus(err), null),
        );
    };

  const activateRequest = (req: Req): ActivateRequest => {
    const r: ActivateRequest = {
      type: s(req.type),
      worker: s(req.worker),
      timeout: n(req.timeout),
      maxJobsToActivate: n(req.maxJobsToActivate ?? 32),
      fetchVariable: Array.isArray(req.fetchVariable) ? (req.fetchVariable as string[]) : [],
      tenantIds: Array.isArray(req.tenantIds) ? (req.tenantIds as string[]) : [],
    };
    if (!r.type.trim()) throw invalidArgument('Expected to activate jobs with a non-empty type, but it was blank');
    if (!r.worker.trim())
      throw invalidArgument('Expected to activate jobs with a non-empty worker name, but it was blank');
    if (r.timeout < 1)
      throw invalidArgument(`Expected to activate jobs with a timeout of at least 1 ms, but got ${r.timeout}`);
    if (r.maxJobsToActivate < 1)
      throw invalidArgument(
        `Expected to activate jobs with maxJobsToActivate of at least 1, but got ${r.maxJobsToActivate}`,
      );
    return r;
  };

  const createRequest = (req: Req) => ({
    processDefinitionKey: s(req.processDefinitionKey),
    bpmnProcessId: s(req.bpmnProcessId),
    version: n(req.version),
    variables: parseVariables(s(req.variables)),
    tenantId: tenant(req.tenantId),
    startInstructions: Array.isArray(req.startInstructions)
      ? (req.startInstructions as { elementId?: string }[]).map((i) => s(i.elementId))
      : [],
  });

  return {
    Topology: ((_call, callback) => callback(null, topology())) as Unary,

    DeployResource: unary(async (req) => {
      const resources = ((req.resources as { name?: string; content?: Buffer }[]) ?? []).map((r) => ({
        name: s(r.name),
        content: r.content ?? Buffer.alloc(0),
      }));
      const t = tenant(req.tenantId);
      const result = await engine.deploy(resources, t);
      return { key: result.key, deployments: result.deployments.map(deploymentMetadata), tenantId: t };
    }),

    DeployProcess: unary(async (req) => {
      const resources = ((req.processes as { name?: string; definition?: Buffer }[]) ?? []).map((r) => ({
        name: s(r.name),
        content: r.definition ?? Buffer.alloc(0),
      }));
      const result = await engine.deploy(resources, DEFAULT_TENANT);
      return {
        key: result.key,
        processes: result.deployments
          .filter((d) => d.kind === 'process')
          .map((d) => ({
            bpmnProcessId: d.id,
            version: d.version,
            processDefinitionKey: d.key,
            resourceName: d.resourceName,
            tenantId: d.tenantId,
          })),
      };
    }),

    CreateProcessInstance: unary(async (req) => engine.createProcessInstance(createRequest(req)), {
      backpressure: true,
    }),

    CreateProcessInstanceWithResult: unary(
      async (req) => {
        const inner = (req.request as Req | undefined) ?? {};
        const timeout = Math.min(
          n(req.requestTimeout) > 0 ? n(req.requestTimeout) : DEFAULT_REQUEST_TIMEOUT_MS,
          MAX_TIMER_MS,
        );
        const { created, finished } = await engine.createProcessInstanceWithResult(createRequest(inner), timeout);
        const fetch = Array.isArray(req.fetchVariables) ? (req.fetchVariables as string[]) : [];
        const vars = fetch.length
          ? Object.fromEntries(Object.entries(finished.variables).filter(([k]) => fetch.includes(k)))
          : finished.variables;
        return { ...created, variables: JSON.stringify(vars) };
      },
      { backpressure: true },
    ),

    CancelProcessInstance: unary(async (req) => {
      await engine.cancelProcessInstance(key(req.processInstanceKey, 'process instance key'));
      return {};
    }),

    CompleteJob: unary(async (req) => {
      await engine.completeJob(key(req.jobKey, 'job key'), parseVariables(s(req.variables)));
      return {};
    }),

    FailJob: unary(async (req) => {
      await engine.failJob(
        key(req.jobKey, 'job key'),
        n(req.retries),
        s(req.errorMessage),
        n(req.retryBackOff),
        parseVariables(s(req.variables)),
      );
      return {};
    }),

    ThrowError: unary(async (req) => {
      const code = s(req.errorCode);
      if (!code) throw invalidArgument('Expected to throw an error with a non-empty error code, but it was blank');
      await engine.throwError(key(req.jobKey, 'job key'), code, s(req.errorMessage), parseVariables(s(req.variables)));
      return {};
    }),

    UpdateJobRetries: unary(async (req) => {
      await engine.updateJobRetries(key(req.jobKey, 'job key'), n(req.retries));
      return {};
    }),

    UpdateJobTimeout: unary(async (req) => {
      await engine.updateJobTimeout(key(req.jobKey, 'job key'), n(req.timeout));
      return {};
    }),

    ResolveIncident: unary(async (req) => {
      await engine.resolveIncident(key(req.incidentKey, 'incident key'));
      return {};
    }),

    SetVariables: unary(async (req) => {
      const k = await engine.setVariables(
        key(req.elementInstanceKey, 'element instance key'),
        parseVariables(s(req.variables)),
        req.local === true,
      );
      return { key: k };
    }),

    PublishMessage: unary(
      async (req) => {
        const t = tenant(req.tenantId);
        const k = await engine.publishMessage({
          name: s(req.name),
          correlationKey: s(req.correlationKey),
          timeToLive: n(req.timeToLive),
          messageId: s(req.messageId),
          variables: parseVariables(s(req.variables)),
          tenantId: t,
        });
        return { key: k, tenantId: t };
      },
      { backpressure: true },
    ),

    BroadcastSignal: unary(
      async (req) => {
        const t = tenant(req.tenantId);
        const k = await engine.broadcastSignal(s(req.signalName), parseVariables(s(req.variables)), t);
        return { key: k, tenantId: t };
      },
      { backpressure: true },
    ),

    ActivateJobs: ((call: grpc.ServerWritableStream<Req, unknown>) => {
      let request: ActivateRequest;
      try {
        request = activateRequest(call.request);
      } catch (err) {
        call.emit('error', toStatus(err));
        return;
      }
      longPollJobs(engine, request, n(call.request.requestTimeout), (gone) => {
        if (call.cancelled) gone();
        else call.on('cancelled', gone);
      }).then(
        (jobs) => {
          if (call.cancelled) {
            if (jobs.length) engine.returnJobs(jobs);
            return;
          }
          if (jobs.length) call.write({ jobs });
          call.end();
        },
        (err: unknown) => call.emit('error', toStatus(err)),
      );
    }) as grpc.handleServerStreamingCall<Req, unknown>,

    StreamActivatedJobs: ((call: grpc.ServerWritableStream<Req, unknown>) => {
      let request: ActivateRequest;
      try {
        request = activateRequest({ ...call.request, maxJobsToActivate: 32 });
      } catch (err) {
        call.emit('error', toStatus(err));
        return;
      }
      let closed = false;
      // A full batch means more may be waiting: push again at once.
      const push = coalesced(
        async () => {
          const jobs = await engine.activateJobs(request);
          for (const job of jobs) call.write(job);
          return jobs.length === request.maxJobsToActivate;
        },
        () => closed,
        (err) => logger.warn({ err }, 'job stream push failed'),
      );
      const unsubscribe = engine.onJobs(request.type, () => void push());
      // Jobs created for its type are activated for the stream in the creating transaction (Zeebe's job push).
      const removeSink = engine.addJobSink({
        request,
        tenants: request.tenantIds.length ? request.tenantIds : [DEFAULT_TENANT],
        free: Infinity,
        once: false,
        deliver: (jobs) => {
          if (closed) return false;
          for (const job of jobs) call.write(job);
          return true;
        },
      });
      const recheck = setInterval(() => void push(), RECHECK_MS);
      const close = () => {
        if (closed) return;
        closed = true;
        clearInterval(recheck);
        removeSink();
        unsubscribe();
        offClose();
      };
      const offClose = engine.onClose(() => {
        close();
        call.end();
      });
      call.on('cancelled', close);
      call.on('close', close);
      call.on('error', close);
      void push();
    }) as grpc.handleServerStreamingCall<Req, unknown>,
  };
}
