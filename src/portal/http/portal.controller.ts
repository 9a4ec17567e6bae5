// The web portal: members see their month, the coordinator runs the cluster's month, the
// auditor checks the log. The controller gathers the data and hands it to a view
// (views/*.ts, written with the escaping `html` template); the session (security.ts: a
// server-side session id in an httpOnly, SameSite=Strict cookie, CSRF-checked POSTs, a
// CSP without inline scripts) is bound to the access token, checked at every page.
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { DateTime } from 'luxon';
import { Public, type Principal } from '../../auth/roles.decorator.js';
import { TokenRepository } from '../../auth/queries/tokens.js';
import { isDomainError } from '../../shared/domain-error.js';
import { PG_POOL } from '../../database/pool.js';
import { projectRoot } from '../../database/paths.js';
import { ClustersService } from '../../clusters/queries/clusters.service.js';
import type { ClusterState } from '../../clusters/domain/registry.js';
import { MeteringService } from '../../metering/metering.service.js';
import { ImportProfilesService } from '../../metering/queries/import-profiles.query.js';
import type { ImportProfile } from '../../metering/domain/files/profile.js';
import { refuseDeclaredSize, uploadedFile } from '../../metering/http/file-upload.js';
import { ReadingsRejected } from '../../metering/commands/readings-recorder.js';
import { SettlementService } from '../../settlement/queries/settlement.service.js';
import { InvoicingService } from '../../invoicing/invoicing.service.js';
import type { InvoiceDocument } from '../../invoicing/domain/documents.js';
import { renderInvoicePdf } from '../../invoicing/http/pdf.js';
import { isFa3Document } from '../../invoicing/domain/fa3/render.js';
import { AuditService } from '../../audit/queries/audit.service.js';
import { exportLine } from '../../audit/domain/export-line.js';
import { ProblemException } from '../../common/problem.js';
import { cookieOptions, cookies, CSRF_COOKIE, portalState, SESSION_COOKIE, withCsrf } from './security.js';
import { PortalSessions, SESSION_HOURS } from '../queries/portal-sessions.js';
import { monthOf, monthsBetween } from '../domain/months.js';
import { Format, type Lang, t, type TextKey } from '../domain/i18n.js';
import { html, type SafeHtml } from './template.js';
import type { SupportMonth } from '../../support/domain/hourly-ledger.js';
import { layout, type SignedIn } from './views/layout.js';
import type { DocumentRow } from './views/parts.js';
import { errorView, homeView, type HomeMonth, signInView } from './views/simple.js';
import { memberMonthView, type MemberMonthView } from './views/member-month.js';
import { clusterMonthView } from './views/cluster-month.js';
import { auditView } from './views/audit.js';
import { acceptedReport, rejectedReport } from './views/file-report.js';
import { ClosedDetail } from '../queries/closed-detail.js';
import { SupportService } from '../../support/queries/support.query.js';
import type { Transfer } from '../../settlement/domain/engine/transfers.js';
import { KsefReader } from '../../ksef/queries/ksef-reader.js';
import type { KsefView } from '../../ksef/domain/outbox.js';
import type { KsefState as KsefCell } from './views/parts.js';
import { monthsWithReadings } from '../../metering/queries/meter-days.js';

const LANG = 'kl_lang';
/** The portal's own scripts (assets/portal/), served by name: nothing inline (CSP). */
export const SCRIPTS = ['member-month.js', 'cluster-month.js'];
const CHART = '/portal/assets/chart.umd.min.js';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A signed-in person of a cluster (every portal page but sign-in is of one cluster). */
type ClusterPrincipal = Principal & { clusterId: string };

class PortalError extends Error {
  constructor(
    readonly status: number,
    readonly key: TextKey,
  ) {
    super(key);
  }
}

/** A domain error in people's words: the known ones by their message, the rest by their kind. */
function errorText(lang: Lang, error: unknown): { status: number; text: string } {
  if (error instanceof PortalError) return { status: error.status, text: t(lang, error.key) };
  if (!isDomainError(error)) return { status: 500, text: t(lang, 'errorGeneric') };
  const message = error.message;
  const known: [RegExp, TextKey][] = [
    [/has not ended yet/, 'errorMonthNotEnded'],
    [/missing readings/, 'errorMonthGaps'],
    [/closed already/, 'errorAlreadyClosed'],
    [/not closed|close it first|must be closed/i, 'errorNotClosed'],
    [/no documents were issued/, 'errorNoDocuments'],
  ];
  const key = known.find(([pattern]) => pattern.test(message))?.[1];
  const status = error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 400;
  return { status, text: t(lang, key ?? (error.code === 'not_found' ? 'notFound' : error.code === 'conflict' ? 'errorConflict' : 'errorValidation')) };
}

@ApiExcludeController()
@Controller('portal')
export class PortalController {
  constructor(
    @Inject(TokenRepository) private readonly tokens: TokenRepository,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(ClustersService) private readonly clusters: ClustersService,
    @Inject(MeteringService) private readonly metering: MeteringService,
    @Inject(SettlementService) private readonly settlement: SettlementService,
    @Inject(InvoicingService) private readonly invoicing: InvoicingService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PortalSessions) private readonly sessions: PortalSessions,
    @Inject(ClosedDetail) private readonly closedDetail: ClosedDetail,
    @Inject(ImportProfilesService) private readonly profiles: ImportProfilesService,
    @Inject(SupportService) private readonly support: SupportService,
    @Inject(KsefReader) private readonly ksef: KsefReader,
  ) {}

  private lang(request: Request, response: Response): Lang {
    const asked = request.query.lang;
    if (asked === 'pl' || asked === 'en') {
      response.cookie(LANG, asked, { httpOnly: true, sameSite: 'strict', path: '/portal' });
      return asked;
    }
    return cookies(request)[LANG] === 'en' ? 'en' : 'pl';
  }

  /** The signed-in principal (the session's token, still valid), or a redirect to sign-in with the reason. */
  private async principal(request: Request, response: Response): Promise<Principal | undefined> {
    const { session, staleSession } = portalState(request);
    const { principal } = session ? await this.tokens.principalById(session.tokenId) : { principal: undefined };
    if (!principal) {
      if (session) await this.sessions.delete(session.sessionId); // its token was revoked or expired
      response.clearCookie(SESSION_COOKIE, cookieOptions(request));
      response.redirect(303, `/portal?${session || staleSession ? 'ended=1' : ''}`);
      return undefined;
    }
    return principal;
  }

  /** Who is signed in, by name: the member's, the coordinator's, or the role. */
  private signedIn(p: Principal, state: ClusterState | undefined): SignedIn {
    const name = p.role === 'member' && p.memberId ? state?.members[p.memberId]?.legalName : p.role === 'coordinator' ? state?.profile?.coordinator.legalName : undefined;
    return { label: name, role: p.role, clusterName: state?.profile?.name };
  }

  /** Every page goes out through here: the CSRF token goes into its POST forms. */
  private send(response: Response, lang: Lang, signedIn: SignedIn | undefined, title: string, body: SafeHtml, extra: { message?: string; scripts?: string[]; status?: number } = {}) {
    const page = layout({ lang, title, body, here: response.req.originalUrl, signedIn, message: extra.message, scripts: extra.scripts });
    response
      .status(extra.status ?? 200)
      .type('html')
      .send(withCsrf(page, portalState(response.req).csrfToken));
  }

  private async guarded(request: Request, response: Response, roles: Principal['role'][], render: (p: ClusterPrincipal, lang: Lang, state: ClusterState) => Promise<void>) {
    const lang = this.lang(request, response);
    const principal = await this.principal(request, response);
    if (!principal) return;
    let state: ClusterState | undefined;
    try {
      if (!roles.includes(principal.role) || !principal.clusterId) throw new PortalError(404, 'notFound');
      state = await this.clusters.state(principal.clusterId);
      await render({ ...principal, clusterId: principal.clusterId }, lang, state);
    } catch (error) {
      const { status, text } = errorText(lang, error);
      this.send(response, lang, this.signedIn(principal, state), `${t(lang, 'error')} ${String(status)}`, errorView(lang), { message: text, status });
    }
  }

  @Get('assets/chart.umd.min.js')
  @Public()
  chartJs(@Res() response: Response) {
    response.type('application/javascript').setHeader('cache-control', 'public, max-age=86400');
    createReadStream(join(projectRoot(), 'node_modules', 'chart.js', 'dist', 'chart.umd.min.js')).pipe(response);
  }

  @Get('assets/app/:file')
  @Public()
  script(@Param('file') file: string, @Res() response: Response) {
    if (!SCRIPTS.includes(file)) {
      response.status(404).type('text').send('not found');
      return;
    }
    response.type('application/javascript').setHeader('cache-control', 'no-cache');
    createReadStream(join(projectRoot(), 'assets', 'portal', file)).pipe(response);
  }

  @Get()
  @Public()
  signInPage(@Req() request: Request, @Res() response: Response, @Query('ended') ended?: string) {
    const lang = this.lang(request, response);
    this.send(response, lang, undefined, t(lang, 'signIn'), signInView(lang), { message: ended ? t(lang, 'sessionEnded') : undefined });
  }

  @Post('sign-in')
  @Public()
  async signIn(@Req() request: Request, @Res() response: Response, @Body() body: { token?: string } | undefined) {
    const lang = this.lang(request, response);
    const token = typeof body?.token === 'string' ? body.token.trim() : '';
    const { principal } = token ? await this.tokens.authenticate(token) : { principal: undefined };
    if (!principal || principal.role === 'meter-data') {
      this.send(response, lang, undefined, t(lang, 'signIn'), signInView(lang), { message: t(lang, 'badToken'), status: 401 });
      return;
    }
    // a new session at every sign-in (never one a page was served under before)
    const previous = portalState(request).session;
    if (previous) await this.sessions.delete(previous.sessionId);
    const session = await this.sessions.create(principal.tokenId);
    response.cookie(SESSION_COOKIE, session.sessionId, cookieOptions(request, SESSION_HOURS * 3_600_000));
    response.clearCookie(CSRF_COOKIE, cookieOptions(request));
    response.redirect(303, '/portal/home');
  }

  @Post('sign-out')
  @Public()
  async signOut(@Req() request: Request, @Res() response: Response) {
    const { session } = portalState(request);
    if (session) await this.sessions.delete(session.sessionId);
    response.clearCookie(SESSION_COOKIE, cookieOptions(request));
    response.redirect(303, '/portal');
  }

  /** Months a person may open: from the member's admission (or the cluster's first) to this month, with or without data. */
  private async monthList(clusterId: string, state: ClusterState, memberId?: string): Promise<{ month: string; status: HomeMonth['status'] }[]> {
    const current = DateTime.now().setZone('Europe/Warsaw').toFormat('yyyy-MM');
    const withData = new Set(await monthsWithReadings(this.pool, clusterId, '2000-01', '2100-12'));
    const closed = new Set(await this.clusters.closedMonths(clusterId));
    const member = memberId ? state.members[memberId] : undefined;
    const starts = member ? [monthOf(member.admittedOn)] : [...Object.values(state.members).map((m) => monthOf(m.admittedOn)), ...withData];
    const first = starts.sort()[0] ?? current;
    const last = [current, ...withData, ...closed].sort().at(-1) ?? current;
    const withdrawn = member?.withdrawnOn ? monthOf(member.withdrawnOn) : undefined;
    const end = withdrawn !== undefined && withdrawn < last ? withdrawn : last;
    return monthsBetween(first, end)
      .reverse()
      .map((month) => ({ month, status: closed.has(month) ? 'closed' : withData.has(month) ? 'provisional' : 'noData' }));
  }

  @Get('home')
  @Public()
  async home(@Req() request: Request, @Res() response: Response) {
    await this.guarded(request, response, ['coordinator', 'member', 'auditor', 'admin'], async (p, lang, state) => {
      const f = new Format(lang);
      const months = await this.monthList(p.clusterId, state, p.role === 'member' ? (p.memberId ?? undefined) : undefined);
      const target = (m: string) => (p.role === 'member' ? `/portal/months/${m}` : p.role === 'auditor' ? `/portal/audit?month=${m}` : `/portal/cluster/${m}`);
      const admittedOn = p.role === 'member' && p.memberId ? state.members[p.memberId]?.admittedOn : undefined;
      const body = homeView(
        f,
        months.map((m) => ({ ...m, href: target(m.month) })),
        { admittedOn, auditLink: p.role === 'auditor' || p.role === 'coordinator' },
      );
      this.send(response, lang, this.signedIn(p, state), state.profile?.name ?? t(lang, 'months'), body);
    });
  }

  /** The month's documents as people read them (corrections as signed differences), with their KSeF state where known. */
  private async documentRows(clusterId: string, month: string, state: ClusterState, memberId?: string): Promise<DocumentRow[]> {
    const documents = (await this.invoicing.documents(clusterId)).filter((d) => d.month === month && (!memberId || d.memberId === memberId));
    const ksefOf = await this.ksef.views(clusterId);
    return documents.map((d: InvoiceDocument) => ({
      invoiceId: d.invoiceId,
      number: d.number,
      kind: d.kind,
      correctedKind: d.correctedKind,
      correctedNumber: d.correctedInvoiceNumber,
      memberName: state.members[d.memberId]?.legalName ?? d.buyer.name,
      issueDate: d.issueDate,
      grossGrosze: d.totalGrossGrosze,
      differenceGrossGrosze: d.kind === 'correction' && d.totalGrossBeforeGrosze !== undefined ? d.totalGrossGrosze - d.totalGrossBeforeGrosze : undefined,
      xml: isFa3Document(d),
      ksef: ksefCell(ksefOf(d), isFa3Document(d)),
    }));
  }

  /** Whose energy a member received: its row of the transfer matrix, by supplier, largest first. */
  private async receivedFrom(clusterId: string, month: string, memberId: string, names: (id: string) => string) {
    const { transfers } = await this.settlement.transfers(clusterId, month);
    const by = new Map<string, number>();
    for (const x of transfers) if (x.toMemberId === memberId) by.set(x.fromMemberId, (by.get(x.fromMemberId) ?? 0) + x.wh);
    return [...by].map(([id, wh]) => ({ name: names(id), wh })).sort((a, b) => b.wh - a.wh);
  }

  private async pendingOf(clusterId: string, month: string) {
    return this.invoicing.pendingCorrections(clusterId, month).then(
      (r) => r.pending as { memberId: string; document: string | null; differenceNetGrosze: number }[],
      () => [],
    );
  }

  @Get('months/:month')
  @Public()
  async memberMonth(@Req() request: Request, @Res() response: Response, @Param('month') month: string, @Query('day') day?: string, @Query('member') memberParam?: string) {
    await this.guarded(request, response, ['member', 'coordinator', 'auditor'], async (p, lang, state) => {
      if (!MONTH.test(month)) throw new PortalError(400, 'errorBadMonth');
      const memberId = p.role === 'member' ? (p.memberId ?? '') : (memberParam ?? '');
      // a member opening another member's page by editing the URL sees "not found"
      if (p.role === 'member' && memberParam && memberParam !== p.memberId) throw new PortalError(404, 'notFound');
      if (!state.members[memberId]) throw new PortalError(404, 'notFound');
      const clusterId = p.clusterId;
      const f = new Format(lang);
      const names = (id: string) => state.members[id]?.legalName ?? '—';
      const closed = await this.settlement.closedMonth(clusterId, month);
      let statement: MemberMonthView['statement'];
      if (closed) statement = closed.statements.find((s) => s.memberId === memberId);
      else
        statement = await this.settlement.memberStatement(clusterId, month, memberId).then(
          (r) => r.statement,
          (e: unknown) => {
            if (isDomainError(e)) return undefined; // no data or no agreement yet for the month
            throw e;
          },
        );
      const validDay = (d: string | undefined) => d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d) && d.startsWith(month) && DateTime.fromISO(d).isValid;
      let daily: MemberMonthView['daily'] = [];
      let curve: MemberMonthView['curve'] = [];
      let chosen = day !== undefined && validDay(day) ? day : `${month}-01`;
      if (statement && closed) {
        const detail = await this.closedDetail.of(closed, memberId);
        daily = detail.daily;
        if (!validDay(day)) chosen = daily[0]?.day ?? chosen;
        curve = detail.curves.get(chosen) ?? [];
      } else if (statement) {
        daily = await this.settlement.memberDaily(clusterId, month, memberId);
        if (!validDay(day)) chosen = daily[0]?.day ?? chosen;
        curve = (await this.settlement.memberIntervals(clusterId, month, memberId, chosen)).items;
      }
      const pending = closed ? (await this.pendingOf(clusterId, month)).filter((x) => x.memberId === memberId) : [];
      const receivedFrom = statement ? await this.receivedFrom(clusterId, month, memberId, names) : undefined;
      const view: MemberMonthView = {
        month,
        memberName: names(memberId),
        memberParam: p.role === 'member' ? undefined : memberId,
        backToCluster: p.role === 'coordinator',
        status: closed ? 'closed' : statement ? 'provisional' : 'noData',
        closedAt: closed?.closedAt,
        statement,
        names,
        detailFromClose: Boolean(closed),
        daily,
        chosenDay: chosen,
        curve,
        receivedFrom,
        documents: await this.documentRows(clusterId, month, state, memberId),
        showKsef: true,
        pending,
      };
      this.send(response, lang, this.signedIn(p, state), `${t(lang, 'statementOf')} ${f.month(month)}`, memberMonthView(f, view), {
        scripts: statement ? [CHART, '/portal/assets/app/member-month.js'] : [],
      });
    });
  }

  @Get('invoices/:file')
  @Public()
  async invoiceFile(@Req() request: Request, @Res() response: Response, @Param('file') file: string) {
    await this.guarded(request, response, ['member', 'coordinator', 'auditor'], async (p) => {
      const match = /^(.+)\.(pdf|xml)$/.exec(file);
      if (!match) throw new PortalError(404, 'notFound');
      const document = (await this.invoicing.documents(p.clusterId)).find((d) => d.invoiceId === match[1]);
      if (!document || (p.role === 'member' && document.memberId !== p.memberId)) throw new PortalError(404, 'notFound');
      const name = document.number.replace(/\//g, '-');
      if (match[2] === 'xml') {
        // a settlement statement is no invoice: it has no FA(3) form
        if (!isFa3Document(document)) throw new PortalError(404, 'notFound');
        response.status(200).type('application/xml; charset=utf-8').setHeader('content-disposition', `attachment; filename="${name}.xml"`);
        response.end(this.invoicing.xml(document, await this.ksef.correctedKsefNumber(p.clusterId, document)));
        return;
      }
      response.status(200).type('application/pdf').setHeader('content-disposition', `attachment; filename="${name}.pdf"`);
      response.end(await renderInvoicePdf(document, await this.ksef.pdfOptions(p.clusterId, document)));
    });
  }

  @Get('cluster/:month')
  @Public()
  async clusterMonth(@Req() request: Request, @Res() response: Response, @Param('month') month: string, @Query('done') done?: string) {
    await this.guarded(request, response, ['coordinator'], async (p, lang, state) => {
      if (!MONTH.test(month)) throw new PortalError(400, 'errorBadMonth');
      const clusterId = p.clusterId;
      const f = new Format(lang);
      const names = (id: string) => state.members[id]?.legalName ?? '—';
      const closed = await this.settlement.closedMonth(clusterId, month);
      const data = closed ? { cluster: closed.totals, statements: closed.statements } : await this.settlement.clusterMonth(clusterId, month);
      const trend = await this.trend(clusterId, month, data.cluster.selfSufficiency.valueBp);
      const completeness = await this.metering.completeness(clusterId, month);
      const ksefState = await this.ksef.state(clusterId);
      const pending = closed ? (await this.pendingOf(clusterId, month)).map((x) => ({ memberName: names(x.memberId), document: x.document, differenceNetGrosze: x.differenceNetGrosze })) : [];
      const [transfers, support, compliance] = await Promise.all([
        this.settlement.transfers(clusterId, month).then((r) => matrixOf(r.transfers, names)),
        this.support.month(clusterId, month).then((r) => supportRows(f, r.ledger)),
        this.support.compliance(clusterId).then((r) => ({ warnings: r.warnings.map((w) => (lang === 'pl' ? w.pl : w.en)) })),
      ]);
      const body = clusterMonthView(f, {
        transfers,
        supportRows: support,
        compliance,
        month,
        closed: Boolean(closed),
        closedAt: closed?.closedAt,
        totals: data.cluster,
        statements: data.statements,
        names,
        trend,
        documents: await this.documentRows(clusterId, month, state),
        showKsef: true,
        pending,
        ksefConnection: { connected: ksefState.connection !== null, environment: ksefState.connection?.environment },
        profiles: (await this.profiles.list(clusterId)).items.map((x) => ({ name: x.name, description: x.description })),
        gaps: completeness.ppe.filter((x) => x.missing.length > 0).map((g) => ({ ppeCode: g.ppeCode, missing: g.missing })),
      });
      const message =
        done === 'close'
          ? t(lang, 'closedDone')
          : done === 'invoices'
            ? t(lang, 'issued')
            : done === 'invoices-again'
              ? t(lang, 'issuedAlready')
              : done === 'corrections'
                ? t(lang, 'correctionsDone')
                : undefined;
      this.send(response, lang, this.signedIn(p, state), `${t(lang, 'clusterMonth')}: ${f.month(month)}`, body, { scripts: [CHART, '/portal/assets/app/cluster-month.js'], message });
    });
  }

  /** Self-sufficiency over the 12 months up to this one: closed months by their close, open ones as they stand. */
  private async trend(clusterId: string, month: string, thisMonthBp: number) {
    const closed = new Set(await this.clusters.closedMonths(clusterId));
    const stored = new Map((await this.settlement.months(clusterId)).map((r) => [r.month, r.totals.selfSufficiency.valueBp]));
    const from = DateTime.fromISO(`${month}-01`).minus({ months: 11 }).toFormat('yyyy-MM');
    const out: { month: string; selfSufficiencyBp: number }[] = [];
    for (const m of monthsBetween(from, month)) {
      if (m === month) out.push({ month: m, selfSufficiencyBp: thisMonthBp });
      else if (closed.has(m)) {
        const close = await this.settlement.closedMonth(clusterId, m);
        if (close) out.push({ month: m, selfSufficiencyBp: close.totals.selfSufficiency.valueBp });
      } else {
        const storedBp = stored.get(m);
        if (storedBp !== undefined) out.push({ month: m, selfSufficiencyBp: storedBp });
      }
    }
    return out;
  }

  @Post('import')
  @Public()
  async importFile(@Req() request: Request, @Res() response: Response, @Query('format') format?: string, @Query('ppeCode') ppeCode?: string) {
    const lang = this.lang(request, response);
    const f = new Format(lang);
    const principal = await this.principal(request, response);
    if (!principal) return;
    const clusterId = principal.clusterId;
    if (principal.role !== 'coordinator' || clusterId === null) {
      response.status(404).type('text').send(t(lang, 'notFound'));
      return;
    }
    let profile: ImportProfile | undefined;
    if (format?.startsWith('profile:')) {
      profile = await this.profiles.resolve(clusterId, format.slice('profile:'.length)).catch(() => undefined);
      if (!profile) {
        request.resume();
        response.status(400).json(rejectedReport(f, [{ reason: 'profile' }], 1));
        return;
      }
    } else if (format !== 'tauron' && format !== 'enea' && format !== 'generic') {
      request.resume();
      response.status(400).json(rejectedReport(f, [{ reason: 'format' }], 1));
      return;
    }
    if ((format === 'tauron' || format === 'enea' || (profile && profile.ppeColumn === undefined)) && !ppeCode) {
      request.resume();
      response.status(400).json(rejectedReport(f, [{ reason: 'ppeCode' }], 1));
      return;
    }
    // the API's limit on a file, declared or streamed, and its digest (metering's upload)
    refuseDeclaredSize(request);
    const { stream: file, digest } = await uploadedFile(request, false);
    try {
      const report = await this.metering.recordFile(clusterId, file, {
        format: profile ? 'profile' : (format as 'tauron' | 'enea' | 'generic'),
        profile,
        ppeCode: ppeCode || undefined,
        balancing: 'before',
        digest,
        source: `portal:${format}`,
      });
      response.status(200).json(acceptedReport(f, report));
    } catch (error) {
      if (error instanceof ProblemException) request.resume();
      if (!isDomainError(error)) throw error;
      const total = error instanceof ReadingsRejected ? error.totalErrors : Math.max(1, error.errors.length);
      response.status(400).json(rejectedReport(f, error.errors.length ? error.errors : [{ reason: error.message }], total));
    }
  }

  @Post('cluster/:month/:action')
  @Public()
  async clusterAction(
    @Req() request: Request,
    @Res() response: Response,
    @Param('month') month: string,
    @Param('action') action: string,
    @Body() body: { allowGaps?: string; reason?: string } | undefined,
  ) {
    await this.guarded(request, response, ['coordinator'], async (p) => {
      const clusterId = p.clusterId;
      if (!MONTH.test(month)) throw new PortalError(400, 'errorBadMonth');
      let done = action;
      if (action === 'close') {
        const completeness = await this.metering.completeness(clusterId, month);
        const gaps = completeness.ppe.filter((x) => x.missing.length > 0).map((x) => ({ ppeCode: x.ppeCode, missingIntervals: x.expectedIntervals - x.presentIntervals }));
        const allowGaps = body?.allowGaps === '1';
        const reason = body?.reason?.trim() ?? '';
        if (allowGaps && !reason) throw new PortalError(400, 'errorReasonRequired');
        await this.settlement.close(clusterId, month, { allowGaps, reason: reason || null, gaps });
      } else if (action === 'invoices') {
        const result = await this.invoicing.issue(clusterId, month);
        if (!result.issued) done = 'invoices-again';
      } else if (action === 'corrections') {
        if (!body?.reason?.trim()) throw new PortalError(400, 'errorReasonRequired');
        await this.invoicing.issueCorrections(clusterId, month, body.reason.trim());
      } else {
        throw new PortalError(404, 'notFound');
      }
      response.redirect(303, `/portal/cluster/${month}?done=${done}`);
    });
  }

  @Get('audit')
  @Public()
  async auditPage(@Req() request: Request, @Res() response: Response, @Query('month') month?: string) {
    await this.guarded(request, response, ['auditor', 'coordinator'], async (p, lang, state) => {
      const f = new Format(lang);
      const clusterId = p.clusterId;
      const verify = await this.audit.verify(clusterId);
      const months = (await this.monthList(clusterId, state)).filter((m) => m.status !== 'noData').map((m) => m.month);
      const chosen = month && MONTH.test(month) ? month : undefined;
      let replay;
      if (chosen) {
        const r = await this.audit.replay(clusterId, chosen);
        replay = {
          closed: r.closed,
          identical: r.identical,
          replayedIdentical: r.replayedIdentical,
          liveIdentical: r.liveIdentical,
          digestMatches: r.digest ? r.digest.matches : null,
          members: r.members,
          differences: r.differences.map((d) => ({ memberName: state.members[d.memberId]?.legalName ?? '—', field: d.field, live: d.live, closed: d.closed, replayed: d.replayed })),
        };
      }
      const body = auditView(f, {
        verify: { intact: verify.intact, streams: verify.streams, events: verify.events, headsDigest: verify.headsDigest, through: verify.through ?? null },
        months,
        month: chosen,
        replay,
      });
      this.send(response, lang, this.signedIn(p, state), t(lang, 'audit'), body);
    });
  }

  @Get('audit/export')
  @Public()
  async auditExport(@Req() request: Request, @Res() response: Response) {
    await this.guarded(request, response, ['auditor', 'coordinator'], async (p) => {
      response.status(200).type('application/x-ndjson').setHeader('content-disposition', 'attachment; filename="events.ndjson"');
      for await (const event of this.audit.events(null, Number.MAX_SAFE_INTEGER, p.clusterId)) response.write(exportLine(event));
      response.end();
    });
  }
}

/** A document's KSeF state for the page (KSeF's own reason of a refusal as it gave it). */
function ksefCell(view: KsefView, fa3: boolean): KsefCell {
  switch (view.status) {
    case 'not_sent':
      return fa3 ? { status: 'not_sent', notConnected: /not connected/.test(view.reason) } : { status: 'not_applicable' };
    case 'queued':
    case 'sent':
      return { status: view.status };
    case 'accepted':
      return { status: 'accepted', ksefNumber: view.ksefNumber };
    case 'refused':
      return { status: 'refused', code: view.code, reason: view.reason };
  }
}

/** The transfer matrix as a table: receivers by row, suppliers by column, both by name; pool and contracts summed. */
function matrixOf(transfers: Transfer[], names: (id: string) => string) {
  const receivers = [...new Set(transfers.map((x) => x.toMemberId))].sort((a, b) => names(a).localeCompare(names(b), 'pl'));
  const suppliers = [...new Set(transfers.map((x) => x.fromMemberId))].sort((a, b) => names(a).localeCompare(names(b), 'pl'));
  const wh = receivers.map(() => suppliers.map(() => 0));
  for (const x of transfers) {
    const row = wh[receivers.indexOf(x.toMemberId)];
    const column = suppliers.indexOf(x.fromMemberId);
    if (row === undefined || row[column] === undefined) throw new Error('a transfer outside the matrix');
    row[column] += x.wh;
  }
  return { receivers: receivers.map(names), suppliers: suppliers.map(names), wh };
}

/** The month's support ledger in words: matched energy, exempt energy, fees not charged, the thresholds. */
function supportRows(f: Format, ledger: SupportMonth): [string, SafeHtml | string][] {
  const lang = f.lang;
  const check = (c: { valueBp: number; thresholdBp: number | null; met: boolean | null }) =>
    html`${f.percentBp(c.valueBp)}${c.thresholdBp !== null ? html`<br><span class="small">${t(lang, 'threshold')} ${f.percentBp(c.thresholdBp)}: <span class="${c.met ? 'ok' : 'bad'}">${t(lang, c.met ? 'met' : 'notMet')}</span></span>` : ''}`;
  return [
    [t(lang, 'renewableMatchedWh'), f.kwh(ledger.totals.renewableMatchedWh)],
    [t(lang, 'exemptWh'), f.kwh(ledger.totals.exemptWh)],
    [t(lang, 'waivedOzeGrosze'), f.zl(ledger.totals.waivedOzeGrosze)],
    [t(lang, 'waivedCogenerationGrosze'), f.zl(ledger.totals.waivedCogenerationGrosze)],
    [t(lang, 'waivedFeesGrosze'), f.zl(ledger.totals.waivedFeesGrosze)],
    [t(lang, 'supportSelfConsumption'), check(ledger.selfConsumption)],
    [t(lang, 'renewableShare'), check(ledger.renewableShare)],
    [t(lang, 'networkDiscount'), ledger.networkDiscount.eligible ? html`<span class="ok">${t(lang, 'yes')}</span>` : html`<span class="muted">${t(lang, 'no')}</span>`],
  ];
}
