// Who is acting and under which correlation id, carried through async calls so every
// event appended while serving a request names its actor without threading it by hand.
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who acts: the token and its role (anonymous before the guard knows it). Events carry it in their metadata. */
export interface Actor {
  tokenId: string | null;
  role: string;
}

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

/** What a request appended, so an answer that cannot be completed still says what was recorded. */
export interface RecordedAppend {
  streamId: string;
  streamVersion: number;
  eventIds: string[];
}

/** A projection that had not applied a request's events when it answered. */
export interface LaggingProjection {
  name: string;
  /** Its checkpoint: the cursor of the last event it applied (null: none). */
  position: string | null;
  failed: boolean;
}

export interface RequestOutcome {
  recorded: RecordedAppend[];
  /** Streams appended to beyond the first 100 listed in `recorded`. */
  recordedNotListed: number;
  lagging?: LaggingProjection[];
}

const outcomes = new WeakMap<RequestContext, RequestOutcome>();

export function requestOutcome(context = storage.getStore()): RequestOutcome | undefined {
  return context ? outcomes.get(context) : undefined;
}

function outcome(): RequestOutcome | undefined {
  const context = storage.getStore();
  if (!context) return undefined;
  let value = outcomes.get(context);
  if (!value) outcomes.set(context, (value = { recorded: [], recordedNotListed: 0 }));
  return value;
}

export function noteRecorded(append: RecordedAppend): void {
  const value = outcome();
  if (!value) return;
  if (value.recorded.length < 100) value.recorded.push(append);
  else value.recordedNotListed++;
}

export function noteReadModelLag(projections: LaggingProjection[]): void {
  const value = outcome();
  if (!value) return;
  const byName = new Map((value.lagging ?? []).map((p) => [p.name, p]));
  for (const p of projections) byName.set(p.name, p);
  value.lagging = [...byName.values()];
}
