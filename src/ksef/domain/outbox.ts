// The KSeF connection and outbox of one cluster, as a decider over the stream ksef-{cluster}.
// A document goes queued → sending (recorded before the request leaves) → sent (KSeF gave
// it a reference) → accepted (KSeF number, UPO) or refused (code, reason). A refused one
// is not sent again until the coordinator asks; one whose send may have reached KSeF
// (sending, after a crash) is looked up in KSeF before anything else. Pure: no clock, no I/O.
import { DomainError } from '../../shared/domain-error.js';
import type { DocumentKsefState } from '../../invoicing/domain/ksef-state.js';
import type { KsefEnvironment } from './environments.js';

/** The KSeF token sealed with AES-256-GCM (the key is the service's, never in an event). */
export interface SealedSecret {
  iv: string;
  ciphertext: string;
  tag: string;
}

export interface KsefConnection {
  environment: KsefEnvironment;
  contextNip: string;
  token: SealedSecret;
  connectedAt: string;
  tokenRotatedAt: string | null;
}

export type OutboxStatus = 'queued' | 'sending' | 'sent' | 'accepted' | 'refused';

export interface QueuedDocument {
  invoiceId: string;
  number: string;
  /** invoice, self_billing or correction */
  kind: string;
  memberId: string;
  /** Self-billing: the invoice or the correction of one, sent in the member's name. */
  selfBilling: boolean;
  /** A correction: the document it corrects, which must be accepted first. */
  correctedInvoiceId: string | null;
}

export interface OutboxDocument extends QueuedDocument {
  status: OutboxStatus;
  queuedAt: string;
  /** SHA-256 (Base64) of the XML being sent or sent. */
  contentHash: string | null;
  sessionReference: string | null;
  invoiceReference: string | null;
  sentAt: string | null;
  ksefNumber: string | null;
  acceptedAt: string | null;
  /** The KSeF environment that accepted it (its QR code links there). */
  environment: KsefEnvironment | null;
  upo: boolean;
  refusal: { code: number; reason: string; details: string[] } | null;
  /** Transient failures since the last progress, and when to try again. */
  failures: number;
  nextAttemptAt: string | null;
  lastError: string | null;
}

export interface KsefState {
  connection: KsefConnection | null;
  /** Per member: whether it granted the coordinator SelfInvoicing in KSeF. */
  selfInvoicing: Record<string, { granted: boolean; recordedAt: string }>;
  documents: Record<string, OutboxDocument>;
  /** Documents in queue order. */
  order: string[];
}

export type KsefEvent =
  | { type: 'KsefConnected'; data: { environment: KsefEnvironment; contextNip: string; token: SealedSecret; connectedAt: string } }
  | { type: 'KsefTokenRotated'; data: { token: SealedSecret; rotatedAt: string } }
  | { type: 'KsefDisconnected'; data: { disconnectedAt: string } }
  | { type: 'KsefSelfInvoicingRecorded'; data: { memberId: string; granted: boolean; recordedAt: string } }
  | { type: 'KsefDocumentsQueued'; data: { documents: QueuedDocument[]; queuedAt: string } }
  | { type: 'KsefDocumentSending'; data: { invoiceId: string; contentHash: string; sessionReference: string; at: string } }
  | { type: 'KsefDocumentSent'; data: { invoiceId: string; contentHash: string; sessionReference: string; invoiceReference: string; at: string } }
  | { type: 'KsefDocumentReturnedToQueue'; data: { invoiceId: string; reason: string; at: string } }
  | { type: 'KsefDocumentAccepted'; data: { invoiceId: string; ksefNumber: string; acceptedAt: string; sessionReference: string; duplicateOf: string | null; environment: KsefEnvironment } }
  | { type: 'KsefUpoReceived'; data: { invoiceId: string; upo: string; at: string } }
  | { type: 'KsefDocumentRefused'; data: { invoiceId: string; code: number; reason: string; details: string[]; at: string } }
  | { type: 'KsefSendFailed'; data: { invoiceIds: string[]; error: string; at: string; nextAttemptAt: string } }
  | { type: 'KsefRetryRequested'; data: { invoiceId: string; at: string } };

export const KSEF_EVENT_TYPES: KsefEvent['type'][] = [
  'KsefConnected',
  'KsefTokenRotated',
  'KsefDisconnected',
  'KsefSelfInvoicingRecorded',
  'KsefDocumentsQueued',
  'KsefDocumentSending',
  'KsefDocumentSent',
  'KsefDocumentReturnedToQueue',
  'KsefDocumentAccepted',
  'KsefUpoReceived',
  'KsefDocumentRefused',
  'KsefSendFailed',
  'KsefRetryRequested',
];

export type KsefCommand =
  | { type: 'Connect'; environment: KsefEnvironment; contextNip: string; token: SealedSecret; now: string }
  | { type: 'RotateToken'; token: SealedSecret; now: string }
  | { type: 'Disconnect'; now: string }
  | { type: 'RecordSelfInvoicing'; memberId: string; granted: boolean; knownMember: boolean; now: string }
  | { type: 'Enqueue'; documents: QueuedDocument[]; now: string }
  | { type: 'StartSending'; invoiceId: string; contentHash: string; sessionReference: string; now: string }
  | { type: 'MarkSent'; invoiceId: string; contentHash: string; sessionReference: string; invoiceReference: string; now: string }
  | { type: 'ReturnToQueue'; invoiceId: string; reason: string; now: string }
  | { type: 'Accept'; invoiceId: string; ksefNumber: string; acceptedAt: string; sessionReference: string; duplicateOf: string | null; environment: KsefEnvironment }
  | { type: 'RecordUpo'; invoiceId: string; upo: string; now: string }
  | { type: 'Refuse'; invoiceId: string; code: number; reason: string; details: string[]; now: string }
  | { type: 'RecordFailure'; invoiceIds: string[]; error: string; now: string; nextAttemptAt: string }
  | { type: 'RequestRetry'; invoiceId: string; now: string };

export const ksefStreamId = (clusterId: string) => `ksef-${clusterId}`;

/** KSeF's code for an invoice refused for the sender's permissions ("Nieprawidłowy zakres uprawnień"). */
export const PERMISSION_REFUSAL_CODE = 410;

export const initialKsefState = (): KsefState => ({ connection: null, selfInvoicing: {}, documents: {}, order: [] });

function document(state: KsefState, invoiceId: string): OutboxDocument {
  const d = state.documents[invoiceId];
  if (!d) throw DomainError.notFound(`document ${invoiceId} is not in the KSeF outbox`);
  return d;
}

function inStatus(d: OutboxDocument, allowed: OutboxStatus[], action: string) {
  if (!allowed.includes(d.status)) throw DomainError.conflict(`document ${d.number} is ${d.status}: cannot ${action}`);
}

export function decide(command: KsefCommand, state: KsefState): KsefEvent[] {
  switch (command.type) {
    case 'Connect':
      return [{ type: 'KsefConnected', data: { environment: command.environment, contextNip: command.contextNip, token: command.token, connectedAt: command.now } }];
    case 'RotateToken':
      if (!state.connection) throw DomainError.conflict('KSeF is not connected for this cluster: connect it first');
      return [{ type: 'KsefTokenRotated', data: { token: command.token, rotatedAt: command.now } }];
    case 'Disconnect':
      if (!state.connection) return [];
      return [{ type: 'KsefDisconnected', data: { disconnectedAt: command.now } }];
    case 'RecordSelfInvoicing': {
      if (!command.knownMember) throw DomainError.notFound(`member ${command.memberId} was not found`);
      const events: KsefEvent[] = [{ type: 'KsefSelfInvoicingRecorded', data: { memberId: command.memberId, granted: command.granted, recordedAt: command.now } }];
      // the fix for a refusal over the missing permission: those documents go again
      if (command.granted) {
        for (const d of inOrder(state)) {
          const id = d.invoiceId;
          if (d.memberId === command.memberId && d.selfBilling && d.status === 'refused' && d.refusal?.code === PERMISSION_REFUSAL_CODE) {
            events.push({ type: 'KsefRetryRequested', data: { invoiceId: id, at: command.now } });
          }
        }
      }
      return events;
    }
    case 'Enqueue': {
      if (!state.connection) return [];
      const fresh = command.documents.filter((d) => !state.documents[d.invoiceId]);
      return fresh.length === 0 ? [] : [{ type: 'KsefDocumentsQueued', data: { documents: fresh, queuedAt: command.now } }];
    }
    case 'StartSending': {
      const d = document(state, command.invoiceId);
      inStatus(d, ['queued'], 'send it');
      return [{ type: 'KsefDocumentSending', data: { invoiceId: d.invoiceId, contentHash: command.contentHash, sessionReference: command.sessionReference, at: command.now } }];
    }
    case 'MarkSent': {
      const d = document(state, command.invoiceId);
      inStatus(d, ['sending'], 'record it as sent');
      if (d.contentHash !== command.contentHash) throw DomainError.conflict(`document ${d.number}: KSeF has another content than the one being sent`);
      return [
        {
          type: 'KsefDocumentSent',
          data: { invoiceId: d.invoiceId, contentHash: command.contentHash, sessionReference: command.sessionReference, invoiceReference: command.invoiceReference, at: command.now },
        },
      ];
    }
    case 'ReturnToQueue': {
      const d = document(state, command.invoiceId);
      inStatus(d, ['sending'], 'return it to the queue');
      return [{ type: 'KsefDocumentReturnedToQueue', data: { invoiceId: d.invoiceId, reason: command.reason, at: command.now } }];
    }
    case 'Accept': {
      const d = document(state, command.invoiceId);
      if (d.status === 'accepted' && d.ksefNumber === command.ksefNumber) return [];
      inStatus(d, ['sending', 'sent'], 'record it as accepted');
      return [
        {
          type: 'KsefDocumentAccepted',
          data: {
            invoiceId: d.invoiceId,
            ksefNumber: command.ksefNumber,
            acceptedAt: command.acceptedAt,
            sessionReference: command.sessionReference,
            duplicateOf: command.duplicateOf,
            environment: command.environment,
          },
        },
      ];
    }
    case 'RecordUpo': {
      const d = document(state, command.invoiceId);
      if (d.upo) return [];
      inStatus(d, ['accepted'], 'record its UPO');
      return [{ type: 'KsefUpoReceived', data: { invoiceId: d.invoiceId, upo: command.upo, at: command.now } }];
    }
    case 'Refuse': {
      const d = document(state, command.invoiceId);
      if (d.status === 'refused') return [];
      inStatus(d, ['queued', 'sending', 'sent'], 'record its refusal');
      return [{ type: 'KsefDocumentRefused', data: { invoiceId: d.invoiceId, code: command.code, reason: command.reason, details: command.details, at: command.now } }];
    }
    case 'RecordFailure': {
      const ids = command.invoiceIds.filter((id) => {
        const d = state.documents[id];
        return d !== undefined && !['accepted', 'refused'].includes(d.status);
      });
      return ids.length === 0 ? [] : [{ type: 'KsefSendFailed', data: { invoiceIds: ids, error: command.error, at: command.now, nextAttemptAt: command.nextAttemptAt } }];
    }
    case 'RequestRetry': {
      const d = document(state, command.invoiceId);
      inStatus(d, ['refused'], 'send it again (only a refused document is retried)');
      return [{ type: 'KsefRetryRequested', data: { invoiceId: d.invoiceId, at: command.now } }];
    }
  }
}

const progress = { failures: 0, nextAttemptAt: null, lastError: null };

export function evolve(state: KsefState, event: KsefEvent): KsefState {
  const update = (id: string, change: Partial<OutboxDocument>) => {
    const d = state.documents[id];
    if (d) state.documents[id] = { ...d, ...change };
  };
  switch (event.type) {
    case 'KsefConnected':
      state.connection = { environment: event.data.environment, contextNip: event.data.contextNip, token: event.data.token, connectedAt: event.data.connectedAt, tokenRotatedAt: null };
      break;
    case 'KsefTokenRotated':
      if (state.connection) state.connection = { ...state.connection, token: event.data.token, tokenRotatedAt: event.data.rotatedAt };
      break;
    case 'KsefDisconnected':
      state.connection = null;
      break;
    case 'KsefSelfInvoicingRecorded':
      state.selfInvoicing[event.data.memberId] = { granted: event.data.granted, recordedAt: event.data.recordedAt };
      break;
    case 'KsefDocumentsQueued':
      for (const q of event.data.documents) {
        if (state.documents[q.invoiceId]) continue;
        state.documents[q.invoiceId] = {
          ...q,
          status: 'queued',
          queuedAt: event.data.queuedAt,
          contentHash: null,
          sessionReference: null,
          invoiceReference: null,
          sentAt: null,
          ksefNumber: null,
          acceptedAt: null,
          environment: null,
          upo: false,
          refusal: null,
          ...progress,
        };
        state.order.push(q.invoiceId);
      }
      break;
    case 'KsefDocumentSending':
      update(event.data.invoiceId, { status: 'sending', contentHash: event.data.contentHash, sessionReference: event.data.sessionReference, invoiceReference: null });
      break;
    case 'KsefDocumentSent':
      update(event.data.invoiceId, { status: 'sent', invoiceReference: event.data.invoiceReference, sessionReference: event.data.sessionReference, sentAt: event.data.at, ...progress });
      break;
    case 'KsefDocumentReturnedToQueue':
      update(event.data.invoiceId, { status: 'queued', sessionReference: null, invoiceReference: null, lastError: event.data.reason });
      break;
    case 'KsefDocumentAccepted':
      update(event.data.invoiceId, {
        status: 'accepted',
        ksefNumber: event.data.ksefNumber,
        acceptedAt: event.data.acceptedAt,
        sessionReference: event.data.sessionReference,
        environment: event.data.environment,
        ...progress,
      });
      break;
    case 'KsefUpoReceived':
      update(event.data.invoiceId, { upo: true });
      break;
    case 'KsefDocumentRefused':
      update(event.data.invoiceId, { status: 'refused', refusal: { code: event.data.code, reason: event.data.reason, details: event.data.details }, ...progress });
      break;
    case 'KsefSendFailed':
      for (const id of event.data.invoiceIds) {
        const d = state.documents[id];
        if (d) update(id, { failures: d.failures + 1, nextAttemptAt: event.data.nextAttemptAt, lastError: event.data.error });
      }
      break;
    case 'KsefRetryRequested':
      update(event.data.invoiceId, { status: 'queued', refusal: null, contentHash: null, sessionReference: null, invoiceReference: null, ...progress });
      break;
  }
  return state;
}

export const ksefDecider = { initialState: initialKsefState, evolve, decide };

/** Why a queued document is held back now, or null when it may go. */
export function heldBecause(state: KsefState, d: OutboxDocument): string | null {
  if (d.selfBilling && state.selfInvoicing[d.memberId]?.granted !== true) {
    return "waiting for the member's SelfInvoicing permission in KSeF for the coordinator (record it when granted)";
  }
  if (d.correctedInvoiceId) {
    const original = state.documents[d.correctedInvoiceId];
    if (original && original.status !== 'accepted') return `waiting until the corrected document ${original.number} is accepted by KSeF`;
  }
  return null;
}

/** The outbox's documents in queue order. */
export function inOrder(state: KsefState): OutboxDocument[] {
  return state.order.flatMap((id) => {
    const d = state.documents[id];
    return d ? [d] : [];
  });
}

/** The documents a worker pass may send now, in queue order. */
export function sendable(state: KsefState, now: string): OutboxDocument[] {
  return inOrder(state).filter((d) => d.status === 'queued' && due(d, now) && heldBecause(state, d) === null);
}

export const due = (d: OutboxDocument, now: string) => d.nextAttemptAt === null || d.nextAttemptAt <= now;

/** What people see of a document's KSeF state: the shape invoicing shows with its documents (and asks KSeF for). */
export type KsefView = DocumentKsefState;

export function viewOf(state: KsefState, invoiceId: string, fa3: boolean): KsefView {
  const d = state.documents[invoiceId];
  if (!d) {
    if (!fa3) return { status: 'not_sent', reason: 'not an invoice: a settlement statement is not sent to KSeF' };
    return { status: 'not_sent', reason: state.connection ? 'queued at the next pass of the sender' : 'KSeF is not connected for this cluster' };
  }
  switch (d.status) {
    case 'queued':
      return { status: 'queued', waiting: heldBecause(state, d), lastError: d.lastError, nextAttemptAt: d.nextAttemptAt };
    case 'sending':
      return { status: 'queued', waiting: 'being sent', lastError: d.lastError, nextAttemptAt: d.nextAttemptAt };
    case 'sent':
      return { status: 'sent', sentAt: d.sentAt };
    case 'accepted':
      return { status: 'accepted', ksefNumber: d.ksefNumber ?? '', acceptedAt: d.acceptedAt ?? '', upo: d.upo };
    case 'refused':
      return { status: 'refused', code: d.refusal?.code ?? 0, reason: d.refusal?.reason ?? '', details: d.refusal?.details ?? [] };
  }
}
