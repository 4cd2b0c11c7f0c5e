import * as grpc from '@grpc/grpc-js';

/** A command rejection with the gRPC status Zeebe would answer. */
export class EngineError extends Error {
  constructor(
    readonly code: grpc.status,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

/** NOT_FOUND rejection. */
export function notFound(message: string): EngineError {
  return new EngineError(grpc.status.NOT_FOUND, message);
}

/** INVALID_ARGUMENT rejection. */
export function invalidArgument(message: string): EngineError {
  return new EngineError(grpc.status.INVALID_ARGUMENT, message);
}

/** FAILED_PRECONDITION rejection. */
export function failedPrecondition(message: string): EngineError {
  return new EngineError(grpc.status.FAILED_PRECONDITION, message);
}

/** ALREADY_EXISTS rejection. */
export function alreadyExists(message: string): EngineError {
  return new EngineError(grpc.status.ALREADY_EXISTS, message);
}

/** For .catch(): turns a rejection by the engine (e.g. an instance that ended) into undefined; rethrows anything else. */
export function onlyNotFound(err: unknown): undefined {
  if (err instanceof EngineError) return undefined;
  throw err;
}
