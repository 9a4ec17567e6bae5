// The outbox decider without I/O: examples of each step, and properties over any sequence
// of the worker's steps and the coordinator's commands.
import fc from 'fast-check';
import { DomainError } from '../../shared/domain-error.js';
import { decide, evolve, heldBecause, initialKsefState, type KsefCommand, type KsefState, type OutboxDocument, type QueuedDocument, sendable, viewOf } from './outbox.js';

const token = { iv: 'aXY=', ciphertext: 'Y3Q=', tag: 'dGFn' };
const at = '2026-06-02T10:00:00.000Z';
const doc = (id: string, over: Partial<QueuedDocument> = {}): QueuedDocument => ({
  invoiceId: id,
  number: `FV/2026/${id}`,
  kind: 'invoice',
  memberId: 'm1',
  selfBilling: false,
  correctedInvoiceId: null,
  ...over,
});

function run(commands: KsefCommand[], state = initialKsefState()): KsefState {
  for (const c of commands) for (const e of decide(c, state)) state = evolve(state, e);
  return state;
}
const connect: KsefCommand = { type: 'Connect', environment: 'test', contextNip: '5261040828', token, now: at };

test('without a connection nothing is queued, and the document is shown as not sent', () => {
  const state = run([{ type: 'Enqueue', documents: [doc('1')], now: at }]);
  expect(state.order).toEqual([]);
  expect(viewOf(state, '1', true)).toEqual({ status: 'not_sent', reason: 'KSeF is not connected for this cluster' });
  expect(viewOf(state, '1', false).status).toBe('not_sent');
});

test('queued once, sending before sent, accepted with its number; the token is never in a view', () => {
  const state = run([
    connect,
    { type: 'Enqueue', documents: [doc('1')], now: at },
    { type: 'Enqueue', documents: [doc('1')], now: at },
    { type: 'StartSending', invoiceId: '1', contentHash: 'h', sessionReference: 's', now: at },
    { type: 'MarkSent', invoiceId: '1', contentHash: 'h', sessionReference: 's', invoiceReference: 'r', now: at },
    { type: 'Accept', invoiceId: '1', ksefNumber: '5261040828-20260602-0100001AF629-AF', acceptedAt: at, sessionReference: 's', duplicateOf: null, environment: 'test' },
  ]);
  expect(state.order).toEqual(['1']);
  expect(viewOf(state, '1', true)).toEqual({ status: 'accepted', ksefNumber: '5261040828-20260602-0100001AF629-AF', acceptedAt: at, upo: false });
  expect(JSON.stringify(viewOf(state, '1', true))).not.toContain(token.ciphertext);
});

test('a document being sent cannot be started again; only a refused one is retried', () => {
  const state = run([connect, { type: 'Enqueue', documents: [doc('1')], now: at }, { type: 'StartSending', invoiceId: '1', contentHash: 'h', sessionReference: 's', now: at }]);
  expect(() => decide({ type: 'StartSending', invoiceId: '1', contentHash: 'h', sessionReference: 's2', now: at }, state)).toThrow(DomainError);
  expect(() => decide({ type: 'RequestRetry', invoiceId: '1', now: at }, state)).toThrow(/only a refused document/);
  // KSeF holds another content than the one recorded as being sent: refused, not recorded as sent
  expect(() => decide({ type: 'MarkSent', invoiceId: '1', contentHash: 'other', sessionReference: 's', invoiceReference: 'r', now: at }, state)).toThrow(/another content/);
});

test('a correction waits for its original; self-billing waits for the recorded permission; granting it requeues a 410 refusal', () => {
  let state = run([connect, { type: 'Enqueue', documents: [doc('1'), doc('2', { kind: 'correction', correctedInvoiceId: '1' }), doc('3', { selfBilling: true, memberId: 'm2' })], now: at }]);
  expect(sendable(state, at).map((d) => d.invoiceId)).toEqual(['1']);
  expect(heldBecause(state, state.documents['2'] as OutboxDocument)).toMatch(/FV\/2026\/1 is accepted/);
  expect(heldBecause(state, state.documents['3'] as OutboxDocument)).toMatch(/SelfInvoicing/);
  state = run(
    [
      { type: 'RecordSelfInvoicing', memberId: 'm2', granted: true, knownMember: true, now: at },
      { type: 'StartSending', invoiceId: '3', contentHash: 'h', sessionReference: 's', now: at },
      { type: 'Refuse', invoiceId: '3', code: 410, reason: 'no permission', details: [], now: at },
    ],
    state,
  );
  expect(state.documents['3']?.status).toBe('refused');
  const events = decide({ type: 'RecordSelfInvoicing', memberId: 'm2', granted: true, knownMember: true, now: at }, state);
  expect(events.map((e) => e.type)).toEqual(['KsefSelfInvoicingRecorded', 'KsefRetryRequested']);
  expect(() => decide({ type: 'RecordSelfInvoicing', memberId: 'nobody', granted: true, knownMember: false, now: at }, state)).toThrow(/not found/);
});

test('a failure postpones the documents until their next attempt', () => {
  const state = run([
    connect,
    { type: 'Enqueue', documents: [doc('1')], now: at },
    { type: 'RecordFailure', invoiceIds: ['1'], error: 'HTTP 503', now: at, nextAttemptAt: '2026-06-02T10:05:00.000Z' },
  ]);
  expect(sendable(state, '2026-06-02T10:04:59.000Z')).toEqual([]);
  expect(sendable(state, '2026-06-02T10:05:00.000Z').map((d) => d.invoiceId)).toEqual(['1']);
  expect(viewOf(state, '1', true)).toMatchObject({ status: 'queued', lastError: 'HTTP 503' });
});

// Any sequence of steps, valid or not: what the decider allows keeps the outbox's promises.
const ids = ['a', 'b', 'c'];
const commandArb: fc.Arbitrary<KsefCommand> = fc.oneof(
  fc.constant<KsefCommand>(connect),
  fc.constant<KsefCommand>({ type: 'Disconnect', now: at }),
  fc.subarray(ids, { minLength: 1 }).map((xs): KsefCommand => ({ type: 'Enqueue', documents: xs.map((x) => doc(x)), now: at })),
  fc.record({ id: fc.constantFrom(...ids), h: fc.constantFrom('h1', 'h2') }).map(({ id, h }): KsefCommand => ({ type: 'StartSending', invoiceId: id, contentHash: h, sessionReference: 's', now: at })),
  fc
    .record({ id: fc.constantFrom(...ids), h: fc.constantFrom('h1', 'h2') })
    .map(({ id, h }): KsefCommand => ({ type: 'MarkSent', invoiceId: id, contentHash: h, sessionReference: 's', invoiceReference: 'r', now: at })),
  fc.constantFrom(...ids).map((id): KsefCommand => ({ type: 'ReturnToQueue', invoiceId: id, reason: 'not in KSeF', now: at })),
  fc
    .constantFrom(...ids)
    .map((id): KsefCommand => ({ type: 'Accept', invoiceId: id, ksefNumber: '5261040828-20260602-0100001AF629-AF', acceptedAt: at, sessionReference: 's', duplicateOf: null, environment: 'test' })),
  fc.constantFrom(...ids).map((id): KsefCommand => ({ type: 'Refuse', invoiceId: id, code: 450, reason: 'semantics', details: [], now: at })),
  fc.constantFrom(...ids).map((id): KsefCommand => ({ type: 'RequestRetry', invoiceId: id, now: at })),
  fc.constantFrom(...ids).map((id): KsefCommand => ({ type: 'RecordFailure', invoiceIds: [id], error: 'timeout', now: at, nextAttemptAt: at })),
);

test('property: a document is started only from the queue, accepted only after it was being sent, and a refused one moves only by a retry', () => {
  fc.assert(
    fc.property(fc.array(commandArb, { maxLength: 40 }), (commands) => {
      let state = initialKsefState();
      for (const c of commands) {
        let events;
        try {
          events = decide(c, state);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          continue;
        }
        for (const e of events) {
          const before = 'invoiceId' in e.data ? state.documents[e.data.invoiceId]?.status : undefined;
          if (e.type === 'KsefDocumentSending') expect(before).toBe('queued');
          if (e.type === 'KsefDocumentSent') expect(before).toBe('sending');
          if (e.type === 'KsefDocumentAccepted') expect(['sending', 'sent']).toContain(before);
          if (before === 'refused') expect(e.type).toBe('KsefRetryRequested');
          if (before === 'accepted') expect(['KsefUpoReceived']).toContain(e.type);
          state = evolve(state, e);
        }
      }
      // each document is in the queue once, and its view never shows the token
      expect(new Set(state.order).size).toBe(state.order.length);
      for (const id of state.order) expect(JSON.stringify(viewOf(state, id, true))).not.toContain(token.ciphertext);
    }),
  );
});
