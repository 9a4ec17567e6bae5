// Who is acting and under which correlation id, carried through async calls so every
// event appended while serving a request names its actor without threading it by hand.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from '../event-store/event-store.port.js';

export interface RequestContext {
  correlationId: string;
  actor: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Lets the auth guard fill in the actor once it knows the token. */
export function setActor(actor: Actor): void {
  const context = storage.getStore();
  if (context) context.actor = actor;
}
