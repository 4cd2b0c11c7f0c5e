import FindMyWay from 'find-my-way';
import type { RestRequest } from './request.js';
import type { Reply } from './user-tasks.js';

/** A request matched to a route: the path parameters by name (`:jobKey` → params.jobKey). */
export interface RouteRequest extends RestRequest {
  params: Record<string, string | undefined>;
}

export type RouteHandler = (req: RouteRequest) => Promise<Reply> | Reply;

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * The REST API's routing table (find-my-way): each resource module registers its endpoints with
 * `add`; the server finds the handler of a method and path and calls it with the path parameters.
 */
export class RestRouter {
  private readonly routes = FindMyWay();

  add(method: Method, path: string, handler: RouteHandler): void {
    // The handler rides in the route's store: the server calls it itself, not through find-my-way's lookup.
    this.routes.on(method, path, () => undefined, { handler });
  }

  /** The route of a method and path, with its parameters; undefined when none matches. */
  find(
    method: string,
    path: string,
  ): { handler: RouteHandler; params: Record<string, string | undefined> } | undefined {
    const found = this.routes.find(method as Method, path);
    if (!found) return undefined;
    return { handler: (found.store as { handler: RouteHandler }).handler, params: found.params };
  }
}
