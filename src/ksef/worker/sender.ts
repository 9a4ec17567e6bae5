// One pass of the outbox for one cluster: queue what was issued, settle what a crash left
// in flight by asking KSeF, send what may go in one online session, poll the statuses,
// fetch the UPOs. Every step is an event appended before the next request, so a pass
// killed anywhere is taken up by the next one without sending anything twice.
// The caller holds the cluster's lock (one pass per cluster at a time).
import { createHash } from 'node:crypto';
import type { InvoiceDocument } from '../../invoicing/domain/documents.js';
import { type EventStore, WrongExpectedVersionError } from '../../event-store/event-store.port.js';
import { loadStream } from '../../event-store/command-handling.js';
import { aesCbcEncrypt, newSessionKey, publicKeyIdOf, publicKeyOf, rsaOaepEncrypt, sha256Base64 } from '../client/crypto.js';
import { KsefClient, KsefRefusal, KsefUnavailable, type PublicKeyCertificate, type SessionInvoiceStatus } from '../client/ksef-client.js';
import { FA3_FORM_CODE, type KsefEnvironment } from '../domain/environments.js';
import {
  type KsefCommand,
  type KsefConnection,
  ksefDecider,
  type KsefEvent,
  type KsefState,
  ksefStreamId,
  type OutboxDocument,
  inOrder,
  PERMISSION_REFUSAL_CODE,
  type QueuedDocument,
  sendable,
} from '../domain/outbox.js';
import { backoffMs, PASS_RETRY } from '../domain/retry.js';
import type { SecretBox } from '../commands/secret-box.js';

export interface Fa3Renderer {
  render(document: InvoiceDocument, options: { correctedKsefNumber: string | null }): string;
  isFa3(document: InvoiceDocument): boolean;
}

export interface SenderDependencies {
  store: EventStore;
  documents(clusterId: string): Promise<InvoiceDocument[]>;
  renderer: Fa3Renderer;
  secrets: SecretBox;
  client(environment: KsefEnvironment): KsefClient;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Status polls of a sent invoice within one pass before it waits for the next. */
  statusPolls?: number;
  statusPollDelayMs?: number;
  passRetry?: { baseDelayMs: number; maxDelayMs: number };
}

export interface PassReport {
  queued: number;
  sent: number;
  accepted: number;
  refused: number;
  failed: string | null;
}

/** The outbox stream of one cluster, folded, with its version: decide, append, evolve. */
class OutboxStream {
  private constructor(
    private readonly store: EventStore,
    readonly streamId: string,
    public state: KsefState,
    public version: number | 'no_stream',
  ) {}

  /** Folds the stream; from a folded state kept from the last pass, only the events after it are read. */
  static async load(store: EventStore, clusterId: string, kept?: { state: KsefState; version: number | 'no_stream' }): Promise<OutboxStream> {
    const streamId = ksefStreamId(clusterId);
    if (kept && kept.version !== 'no_stream') {
      const events = await store.readStream(streamId, kept.version + 1);
      let state = kept.state;
      for (const e of events) state = ksefDecider.evolve(state, { type: e.type, data: e.data } as unknown as KsefEvent);
      return new OutboxStream(store, streamId, state, events.at(-1)?.streamPosition ?? kept.version);
    }
    const { state, version } = await loadStream(store, streamId, ksefDecider);
    return new OutboxStream(store, streamId, state, version);
  }

  async execute(command: KsefCommand): Promise<KsefEvent[]> {
    for (let attempt = 1; ; attempt++) {
      const events = ksefDecider.decide(command, this.state);
      if (events.length === 0) return events;
      try {
        const result = await this.store.append(
          this.streamId,
          events.map((e) => ({ type: e.type, data: e.data })),
          this.version,
        );
        for (const e of events) this.state = ksefDecider.evolve(this.state, e);
        this.version = result.streamVersion;
        return events;
      } catch (error) {
        // a coordinator's command came in between: fold it and decide again
        if (!(error instanceof WrongExpectedVersionError) || attempt >= 5) throw error;
        const fresh = await loadStream(this.store, this.streamId, ksefDecider);
        this.state = fresh.state;
        this.version = fresh.version;
      }
    }
  }
}

interface Access {
  key: string;
  accessToken: string;
  accessValidUntil: number;
  refreshToken: string;
  refreshValidUntil: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A value the outbox's state guarantees at this step (a sent document has its session, say). */
function known<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`the KSeF outbox lacks ${what}`);
  return value;
}

export class KsefSender {
  private readonly access = new Map<string, Access>();
  /** Each cluster's outbox as the last pass left it (a pass reads only what came after). */
  private readonly kept = new Map<string, OutboxStream>();
  private readonly now: () => number;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: SenderDependencies) {
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.sleep = deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** Work left for the cluster: documents not yet accepted or refused, or without their UPO. */
  static pending(state: KsefState): OutboxDocument[] {
    return inOrder(state).filter((d) => d.status !== 'refused' && !(d.status === 'accepted' && d.upo));
  }

  async pass(clusterId: string): Promise<PassReport> {
    const kept = this.kept.get(clusterId);
    this.kept.delete(clusterId); // kept again only when the pass ends with its state known
    const outbox = await OutboxStream.load(this.deps.store, clusterId, kept);
    const report = await this.run(clusterId, outbox);
    this.kept.set(clusterId, outbox);
    return report;
  }

  private async run(clusterId: string, outbox: OutboxStream): Promise<PassReport> {
    const report: PassReport = { queued: 0, sent: 0, accepted: 0, refused: 0, failed: null };
    const connection = outbox.state.connection;
    if (!connection) return report;
    const issued = await this.deps.documents(clusterId);
    const byId = new Map(issued.map((d) => [d.invoiceId, d]));
    const queued = await outbox.execute({ type: 'Enqueue', documents: issued.filter((d) => this.deps.renderer.isFa3(d)).map(queuedOf), now: iso(this.now()) });
    report.queued = queued.reduce((n, e) => n + (e.type === 'KsefDocumentsQueued' ? e.data.documents.length : 0), 0);

    const nowIso = iso(this.now());
    const inFlight = (s: KsefState) => inOrder(s).filter((d) => d.status === 'sending' || d.status === 'sent' || (d.status === 'accepted' && !d.upo));
    if (inFlight(outbox.state).length === 0 && sendable(outbox.state, nowIso).length === 0) return report;

    const work = [...inFlight(outbox.state), ...sendable(outbox.state, nowIso)].map((d) => d.invoiceId);
    try {
      const client = this.deps.client(connection.environment);
      const token = await this.accessToken(clusterId, connection, client);
      await this.settleInFlight(outbox, client, token);
      await this.sendQueued(outbox, client, token, byId, report);
      await this.pollSent(outbox, client, token, connection.environment, report);
      await this.fetchUpos(outbox, client, token);
    } catch (error) {
      if (!(error instanceof KsefUnavailable) && !(error instanceof KsefRefusal)) throw error;
      if (error instanceof KsefRefusal && (error.status === 401 || error.status === 403)) this.access.delete(clusterId);
      report.failed = error.message;
      // what this pass did not settle waits; an accepted document whose UPO is missing is asked again next pass
      const left = work.filter((id) => !['accepted', 'refused'].includes(known(outbox.state.documents[id], 'an outbox document').status));
      const failures = Math.max(0, ...left.map((id) => known(outbox.state.documents[id], 'an outbox document').failures)) + 1;
      const waitMs = Math.max(error instanceof KsefUnavailable ? (error.retryAfterMs ?? 0) : 0, backoffMs(failures, this.passRetry.baseDelayMs, this.passRetry.maxDelayMs, this.random));
      await outbox.execute({ type: 'RecordFailure', invoiceIds: left, error: error.message, now: iso(this.now()), nextAttemptAt: iso(this.now() + waitMs) });
    }
    return report;
  }

  private get passRetry() {
    return this.deps.passRetry ?? PASS_RETRY;
  }

  // --- authentication: challenge, the token|timestamp under RSA-OAEP, status, redeem; refresh while it lasts

  private async accessToken(clusterId: string, connection: KsefConnection, client: KsefClient): Promise<string> {
    const key = `${connection.environment}|${connection.contextNip}|${connection.token.ciphertext}`;
    const cached = this.access.get(clusterId);
    const now = this.now();
    if (cached && cached.key === key) {
      if (cached.accessValidUntil - 60_000 > now) return cached.accessToken;
      if (cached.refreshValidUntil - 60_000 > now) {
        try {
          const refreshed = await client.refresh(cached.refreshToken);
          cached.accessToken = refreshed.accessToken.token;
          cached.accessValidUntil = Date.parse(refreshed.accessToken.validUntil);
          return cached.accessToken;
        } catch (error) {
          if (!(error instanceof KsefRefusal)) throw error; // a refused refresh: authenticate anew
        }
      }
    }
    this.access.delete(clusterId);
    const certificates = await client.publicKeyCertificates();
    const certificate = pickCertificate(certificates, 'KsefTokenEncryption', now);
    const publicKey = publicKeyOf(certificate.certificate);
    const challenge = await client.challenge();
    const ksefToken = this.deps.secrets.open(clusterId, connection.token);
    const encryptedToken = rsaOaepEncrypt(publicKey, Buffer.from(`${ksefToken}|${String(challenge.timestampMs)}`, 'utf8')).toString('base64');
    const init = await client.authenticateWithToken({
      challenge: challenge.challenge,
      contextIdentifier: { type: 'Nip', value: connection.contextNip },
      encryptedToken,
      publicKeyId: publicKeyIdOf(publicKey),
    });
    for (let poll = 1; ; poll++) {
      const { status } = await client.authenticationStatus(init.referenceNumber, init.authenticationToken.token);
      if (status.code === 200) break;
      if (status.code !== 100) throw new KsefRefusal(401, status.code, `KSeF refused the token of this cluster: ${status.description}`, status.details ?? []);
      if (poll >= 20) throw new KsefUnavailable('authentication still in progress after 20 checks');
      await this.sleep(Math.min(5000, 200 * poll));
    }
    const tokens = await client.redeem(init.authenticationToken.token);
    this.access.set(clusterId, {
      key,
      accessToken: tokens.accessToken.token,
      accessValidUntil: Date.parse(tokens.accessToken.validUntil),
      refreshToken: tokens.refreshToken.token,
      refreshValidUntil: Date.parse(tokens.refreshToken.validUntil),
    });
    return tokens.accessToken.token;
  }

  // --- a document recorded as sending, of which nobody knows whether KSeF has it

  private async settleInFlight(outbox: OutboxStream, client: KsefClient, token: string) {
    const sessions = new Map<string, SessionInvoiceStatus[] | null>();
    for (const d of inOrder(outbox.state).filter((x) => x.status === 'sending')) {
      const ref = known(d.sessionReference, 'the session of a document being sent');
      if (!sessions.has(ref)) sessions.set(ref, await this.sessionInvoicesOrNull(client, token, ref));
      const match = sessions.get(ref)?.find((i) => i.invoiceHash === d.contentHash);
      if (match)
        await outbox.execute({
          type: 'MarkSent',
          invoiceId: d.invoiceId,
          contentHash: known(d.contentHash, 'the hash of a document being sent'),
          sessionReference: ref,
          invoiceReference: match.referenceNumber,
          now: iso(this.now()),
        });
      else await outbox.execute({ type: 'ReturnToQueue', invoiceId: d.invoiceId, reason: `not received by KSeF in session ${ref}: sent again`, now: iso(this.now()) });
    }
  }

  private async sessionInvoicesOrNull(client: KsefClient, token: string, ref: string): Promise<SessionInvoiceStatus[] | null> {
    try {
      return await client.sessionInvoices(token, ref);
    } catch (error) {
      if (error instanceof KsefRefusal && (error.status === 404 || error.status === 400)) return null; // the session never opened
      throw error;
    }
  }

  // --- one online session for what may go now

  private async sendQueued(outbox: OutboxStream, client: KsefClient, token: string, byId: Map<string, InvoiceDocument>, report: PassReport) {
    const ready = sendable(outbox.state, iso(this.now())).filter((d) => byId.has(d.invoiceId));
    if (ready.length === 0) return;
    const certificate = pickCertificate(await client.publicKeyCertificates(), 'SymmetricKeyEncryption', this.now());
    const publicKey = publicKeyOf(certificate.certificate);
    const sessionKey = newSessionKey();
    const session = await client.openOnlineSession(token, {
      formCode: { ...FA3_FORM_CODE },
      encryption: {
        encryptedSymmetricKey: rsaOaepEncrypt(publicKey, sessionKey.key).toString('base64'),
        initializationVector: sessionKey.iv.toString('base64'),
        publicKeyId: publicKeyIdOf(publicKey),
      },
    });
    try {
      for (const d of ready) {
        const document = known(byId.get(d.invoiceId), 'an issued document');
        const original = d.correctedInvoiceId ? outbox.state.documents[d.correctedInvoiceId] : undefined;
        let xml: Buffer;
        try {
          xml = Buffer.from(this.deps.renderer.render(document, { correctedKsefNumber: original?.ksefNumber ?? null }), 'utf8');
        } catch (error) {
          // never expected (a document is validated before it is issued); one that cannot be written must not hold up the rest
          await outbox.execute({
            type: 'Refuse',
            invoiceId: d.invoiceId,
            code: 0,
            reason: `not sent: its FA(3) XML could not be made (${(error as Error).message})`,
            details: [],
            now: iso(this.now()),
          });
          report.refused++;
          continue;
        }
        const encrypted = aesCbcEncrypt(sessionKey, xml);
        const contentHash = sha256Base64(xml);
        await outbox.execute({ type: 'StartSending', invoiceId: d.invoiceId, contentHash, sessionReference: session.referenceNumber, now: iso(this.now()) });
        try {
          const sent = await client.sendInvoice(token, session.referenceNumber, {
            invoiceHash: contentHash,
            invoiceSize: xml.length,
            encryptedInvoiceHash: sha256Base64(encrypted),
            encryptedInvoiceSize: encrypted.length,
            encryptedInvoiceContent: encrypted.toString('base64'),
            offlineMode: false,
          });
          await outbox.execute({ type: 'MarkSent', invoiceId: d.invoiceId, contentHash, sessionReference: session.referenceNumber, invoiceReference: sent.referenceNumber, now: iso(this.now()) });
          report.sent++;
        } catch (error) {
          if (error instanceof KsefRefusal && (error.status === 401 || error.status === 403)) {
            // the access, not the document: KSeF did not take it; it goes again after a new authentication
            await outbox.execute({ type: 'ReturnToQueue', invoiceId: d.invoiceId, reason: error.message, now: iso(this.now()) });
            throw error;
          }
          if (error instanceof KsefRefusal) {
            await outbox.execute({ type: 'Refuse', invoiceId: d.invoiceId, ...plainRefusal(d, error.code, error.reason, error.details), now: iso(this.now()) });
            report.refused++;
            continue;
          }
          // no answer: it may have arrived; the session's list says (the rest waits for a later pass)
          if (error instanceof KsefUnavailable) await this.settleInFlight(outbox, client, token);
          throw error;
        }
      }
    } finally {
      // closing starts the session UPO; invoices already sent are processed either way
      await client.closeSession(token, session.referenceNumber).catch(() => undefined);
    }
  }

  // --- statuses of what was sent

  private async pollSent(outbox: OutboxStream, client: KsefClient, token: string, environment: KsefEnvironment, report: PassReport) {
    const polls = this.deps.statusPolls ?? 5;
    for (let round = 1; round <= polls; round++) {
      const sent = inOrder(outbox.state).filter((d) => d.status === 'sent');
      if (sent.length === 0) return;
      for (const d of sent) {
        const status = await client.invoiceStatus(token, known(d.sessionReference, 'the session of a sent document'), known(d.invoiceReference, 'the reference of a sent document'));
        const code = status.status.code;
        if (code === 200 && status.ksefNumber) {
          await outbox.execute({
            type: 'Accept',
            invoiceId: d.invoiceId,
            ksefNumber: status.ksefNumber,
            acceptedAt: status.acquisitionDate ?? iso(this.now()),
            sessionReference: known(d.sessionReference, 'the session of a sent document'),
            duplicateOf: null,
            environment,
          });
          report.accepted++;
        } else if (code === 440 && status.status.extensions?.originalKsefNumber) {
          // KSeF has this invoice already (sent before, maybe by a run that died): it is accepted under that number
          const original = status.status.extensions;
          await outbox.execute({
            type: 'Accept',
            invoiceId: d.invoiceId,
            ksefNumber: known(original.originalKsefNumber, 'the KSeF number of the original'),
            acceptedAt: status.acquisitionDate ?? status.invoicingDate,
            sessionReference: original.originalSessionReferenceNumber ?? known(d.sessionReference, 'the session of a sent document'),
            duplicateOf: original.originalSessionReferenceNumber ?? null,
            environment,
          });
          report.accepted++;
        } else if (code >= 400) {
          await outbox.execute({ type: 'Refuse', invoiceId: d.invoiceId, ...plainRefusal(d, code, status.status.description, status.status.details ?? []), now: iso(this.now()) });
          report.refused++;
        }
      }
      if (round < polls && inOrder(outbox.state).some((x) => x.status === 'sent')) await this.sleep((this.deps.statusPollDelayMs ?? 1000) * round);
    }
  }

  private async fetchUpos(outbox: OutboxStream, client: KsefClient, token: string) {
    for (const d of inOrder(outbox.state).filter((x) => x.status === 'accepted' && !x.upo)) {
      const upo = await client.invoiceUpo(token, known(d.sessionReference, 'the session of an accepted document'), known(d.ksefNumber, 'the KSeF number of an accepted document'));
      await outbox.execute({ type: 'RecordUpo', invoiceId: d.invoiceId, upo, now: iso(this.now()) });
    }
  }
}

export function queuedOf(d: InvoiceDocument): QueuedDocument {
  return {
    invoiceId: d.invoiceId,
    number: d.number,
    kind: d.kind,
    memberId: d.memberId,
    selfBilling: d.kind === 'self_billing' || (d.kind === 'correction' && d.correctedKind === 'self_billing'),
    correctedInvoiceId: d.kind === 'correction' ? (d.correctedInvoiceId ?? null) : null,
  };
}

/** The certificate for a use that is valid now (the newest, when KSeF rotates keys). */
function pickCertificate(certificates: PublicKeyCertificate[], usage: PublicKeyCertificate['usage'][number], now: number): PublicKeyCertificate {
  const valid = certificates.filter((c) => c.usage.includes(usage) && Date.parse(c.validFrom) <= now && now < Date.parse(c.validTo)).sort((a, b) => (a.validFrom < b.validFrom ? 1 : -1));
  if (!valid[0]) throw new KsefUnavailable(`KSeF offers no valid public key for ${usage}`);
  return valid[0];
}

/** A refusal as people read it: a missing SelfInvoicing permission said plainly. */
export function plainRefusal(d: OutboxDocument, code: number, description: string, details: string[]) {
  if (code === PERMISSION_REFUSAL_CODE && d.selfBilling) {
    return {
      code,
      reason: `KSeF refused the self-billing document ${d.number}: the member has not granted the coordinator the SelfInvoicing permission in KSeF (${String(code)} ${description}). Once it is granted, record it and the document goes again.`,
      details,
    };
  }
  if (code === PERMISSION_REFUSAL_CODE) {
    return { code, reason: `KSeF refused ${d.number}: the KSeF token of this cluster has no permission to issue invoices for the seller (${String(code)} ${description}).`, details };
  }
  return { code, reason: `KSeF refused ${d.number}: ${description}`, details };
}

/** SHA-256 of the XML as Base64 (the KSeF invoice hash, the QR code's last part). */
export const invoiceHashOf = (xml: string) => createHash('sha256').update(xml, 'utf8').digest('base64');
