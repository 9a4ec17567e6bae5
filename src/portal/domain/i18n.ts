// Portal texts, Polish by default with an English switch; every word a person reads comes
// from here (labels, kinds, roles, statuses, errors), and numbers go out in the page's
// locale (pl-PL: 1 234,56 zł; en-GB: 1,234.56 zł). A missing key is a type error, and
// the browser tests fail on a page showing one.
export type Lang = 'pl' | 'en';

const TEXTS = {
  title: ['Klaster Ledger', 'Klaster Ledger'],
  skip: ['Przejdź do treści', 'Skip to content'],
  signIn: ['Zaloguj się', 'Sign in'],
  signInIntro: ['Wpisz token dostępu, który dostałeś od koordynatora klastra.', "Enter the access token your cluster's coordinator gave you."],
  signOut: ['Wyloguj', 'Sign out'],
  signedInAs: ['Zalogowano', 'Signed in'],
  token: ['Token dostępu od koordynatora', 'Access token from the coordinator'],
  badToken: ['Token jest nieprawidłowy, wygasł lub został unieważniony. Zaloguj się ponownie.', 'The token is not valid, has expired or was revoked. Sign in again.'],
  sessionEnded: ['Sesja wygasła. Zaloguj się ponownie.', 'Your session has ended. Sign in again.'],
  language: ['English', 'Polski'],
  languageName: ['Wersja angielska', 'Polish version'],
  nav: ['Nawigacja', 'Navigation'],
  // roles
  role_coordinator: ['koordynator', 'coordinator'],
  role_member: ['członek', 'member'],
  role_auditor: ['audytor', 'auditor'],
  role_admin: ['administrator', 'administrator'],
  // months and statuses
  months: ['Miesiące', 'Months'],
  month: ['Miesiąc', 'Month'],
  status: ['Stan', 'Status'],
  provisional: ['wstępne (dane mogą się jeszcze zmienić)', 'provisional (the data may still change)'],
  provisionalShort: ['wstępne', 'provisional'],
  closed: ['zamknięte', 'closed'],
  noData: ['brak danych pomiarowych', 'no metering data'],
  noDataYet: ['Za ten miesiąc nie ma jeszcze danych pomiarowych, więc nie ma też rozliczenia.', 'There is no metering data for this month yet, so there is no statement either.'],
  open: ['Otwórz', 'Open'],
  statement: ['Rozliczenie', 'Statement'],
  statementOf: ['Rozliczenie za', 'Statement for'],
  closedOn: ['zamknięto', 'closed on'],
  closedNote: ['Liczby pochodzą z zamknięcia miesiąca i już się nie zmienią.', "The figures come from the month's close and will not change."],
  closedDetailNote: ['Wykresy przeliczono z danych zapisanych do chwili zamknięcia.', 'The charts are recomputed from the data recorded up to the close.'],
  // statement
  energy: ['Energia', 'Energy'],
  importWh: ['Pobór z sieci', 'Drawn from the grid'],
  exportWh: ['Oddanie do sieci', 'Fed into the grid'],
  selfConsumedWh: ['Autokonsumpcja (własne bilansowanie)', 'Own netting'],
  receivedWh: ['Otrzymane z klastra', 'Received from the cluster'],
  suppliedWh: ['Oddane do klastra', 'Supplied to the cluster'],
  gridImportWh: ['Zakup z sieci po klastrze', 'Grid draw after the cluster'],
  gridExportWh: ['Sprzedaż do sieci po klastrze', 'Grid feed-in after the cluster'],
  money: ['Wartości', 'Values'],
  receivedValueGrosze: ['Wartość energii otrzymanej', 'Value of energy received'],
  suppliedValueGrosze: ['Wartość energii oddanej', 'Value of energy supplied'],
  feesGrosze: ['Opłaty koordynatora', 'Coordinator fees'],
  vatGrosze: ['VAT', 'VAT'],
  netAmountGrosze: ['Do zapłaty (z VAT, po odjęciu należności)', 'To pay (with VAT, less what you are owed)'],
  savingsGrosze: ['Oszczędność wobec ceny sieci', 'Savings against the grid price'],
  shares: ['Udziały', 'Shares'],
  exportShareBp: ['Udział w produkcji klastra', "Share of the cluster's production"],
  importShareBp: ['Udział w zużyciu klastra', "Share of the cluster's consumption"],
  suppliedShareBp: ['Udział w energii oddanej', 'Share of energy supplied'],
  receivedShareBp: ['Udział w energii otrzymanej', 'Share of energy received'],
  agreementVersion: ['Wersja porozumienia', 'Agreement version'],
  support: ['Wsparcie klastra: informacja (stosują je OSD i sprzedawca)', 'Cluster support: information (the DSO and the seller apply it)'],
  renewableMatchedWh: ['Energia z OZE zbilansowana w klastrze w tej samej godzinie', 'Renewable energy matched in the cluster in the same hour'],
  exemptWh: ['Energia zwolniona z opłat', 'Energy exempt from the fees'],
  waivedOzeGrosze: ['Nienaliczona opłata OZE', 'RES fee not charged'],
  waivedFeesGrosze: ['Opłaty nienaliczone razem', 'Fees not charged in all'],
  supportSelfConsumption: ['Autokonsumpcja w klastrze (godzinowo)', 'Self-consumption in the cluster (hourly)'],
  networkDiscount: ['Obniżka opłat sieciowych przysługuje', 'The network fee discount applies'],
  waivedCogenerationGrosze: ['Nienaliczona opłata kogeneracyjna', 'Cogeneration fee not charged'],
  contracts: ['Umowy dwustronne', 'Bilateral contracts'],
  counterparty: ['Druga strona', 'Counterparty'],
  contractSeller: ['sprzedaż do', 'sale to'],
  contractBuyer: ['zakup od', 'purchase from'],
  contracted: ['Zakontraktowane', 'Contracted'],
  delivered: ['Dostarczone', 'Delivered'],
  shortfall: ['Niedobór', 'Shortfall'],
  value: ['Wartość', 'Value'],
  toPay: ['Do zapłaty za miesiąc', 'To pay for the month'],
  owedToYou: ['Należne Tobie za miesiąc', 'Owed to you for the month'],
  nothingDue: ['Nic do zapłaty', 'Nothing to pay'],
  headlineHelp: ['Z VAT; energia otrzymana i opłaty minus energia oddana.', 'With VAT; energy received and fees less energy supplied.'],
  admittedOn: ['Członek od', 'Member since'],
  // charts
  daily: ['Dzień po dniu', 'Day by day'],
  dailyHelp: ['Nad osią: skąd pochodziła zużyta energia; pod osią: dokąd trafiła oddana.', 'Above the axis: where the energy used came from; below: where the energy fed in went.'],
  dayCurve: ['Przebieg wybranego dnia', 'The chosen day, interval by interval'],
  day: ['Dzień', 'Day'],
  show: ['Pokaż', 'Show'],
  chartTable: ['Dane wykresu w tabeli', "The chart's data as a table"],
  time: ['Godzina', 'Time'],
  receivedFrom: ['Od kogo przyszła energia', 'Whose energy you received'],
  receivedFromHelp: ['Energia otrzymana z klastra według członka, który ją oddał (macierz przepływów).', 'Energy received from the cluster by the member who supplied it (the transfer matrix).'],
  supplier: ['Oddający', 'Supplier'],
  // documents
  documents: ['Dokumenty', 'Documents'],
  documentsOfMonth: ['Dokumenty miesiąca', 'Documents of the month'],
  noDocuments: ['Nie wystawiono jeszcze dokumentów za ten miesiąc.', 'No documents have been issued for this month yet.'],
  number: ['Numer', 'Number'],
  kind: ['Rodzaj', 'Kind'],
  member: ['Członek', 'Member'],
  gross: ['Brutto', 'Gross'],
  issueDate: ['Data wystawienia', 'Issue date'],
  corrects: ['koryguje', 'corrects'],
  differenceGross: ['różnica brutto', 'gross difference'],
  kind_invoice: ['Faktura', 'Invoice'],
  kind_self_billing: ['Samofaktura', 'Self-billing invoice'],
  kind_settlement_statement: ['Zestawienie rozliczenia', 'Settlement statement'],
  kind_correction: ['Korekta', 'Correction'],
  download: ['Pobierz', 'Download'],
  downloadPdf: ['PDF', 'PDF'],
  downloadXml: ['XML', 'XML'],
  downloadLabel: ['Pobierz dokument', 'Download document'],
  ksef: ['KSeF', 'KSeF'],
  ksefNotSent: ['nie wysłano', 'not sent'],
  ksefNotApplicable: ['nie dotyczy (zestawienie nie trafia do KSeF)', 'not applicable (a statement is not sent to KSeF)'],
  ksefQueued: ['w kolejce do wysłania', 'queued to be sent'],
  ksefSent: ['wysłano, czeka na KSeF', 'sent, awaiting KSeF'],
  ksefAccepted: ['przyjęto, nr KSeF', 'accepted, KSeF number'],
  ksefRefused: ['odrzucono', 'refused'],
  ksefNotConnected: ['klaster nie jest połączony z KSeF', 'the cluster is not connected to KSeF'],
  ksefConnection: ['Połączenie z KSeF', 'KSeF connection'],
  ksefConnected: ['połączono', 'connected'],
  ksefEnvironment: ['środowisko', 'environment'],
  ksefNotConnectedShort: ['nie połączono: dokumenty nie trafiają do KSeF', 'not connected: documents are not sent to KSeF'],
  // corrections
  corrections: ['Korekty oczekujące', 'Pending corrections'],
  pendingCorrection: ['Korekta oczekująca', 'Pending correction'],
  pendingCorrectionHelp: [
    'Po zamknięciu miesiąca przyszły nowe dane. Zamknięte liczby się nie zmieniają; różnicę rozliczy faktura korygująca.',
    'New data arrived after the month was closed. The closed figures do not change; a correction invoice will settle the difference.',
  ],
  pendingDifference: ['Różnica netto do skorygowania', 'Net difference to correct'],
  noPending: ['Brak: dane od zamknięcia się nie zmieniły.', 'None: the data has not changed since the close.'],
  toDocument: ['Dokument', 'Document'],
  noDocumentYet: ['(jeszcze bez dokumentu)', '(no document yet)'],
  issueCorrections: ['Wystaw faktury korygujące', 'Issue correction invoices'],
  // coordinator
  clusterMonth: ['Miesiąc klastra', 'Cluster month'],
  totals: ['Sumy', 'Totals'],
  selfSufficiency: ['Samowystarczalność', 'Self-sufficiency'],
  renewableShare: ['Udział OZE', 'Renewable share'],
  threshold: ['próg', 'threshold'],
  met: ['spełniony', 'met'],
  notMet: ['niespełniony', 'not met'],
  trend: ['Samowystarczalność w ostatnich 12 miesiącach', 'Self-sufficiency over the last 12 months'],
  members: ['Członkowie', 'Members'],
  negativeIsOwed: ['Kwota ze znakiem minus: należność członka (klaster płaci członkowi).', 'A minus amount is owed to the member (the cluster pays the member).'],
  backToCluster: ['Wróć do miesiąca klastra', 'Back to the cluster month'],
  completeness: ['Kompletność danych', 'Data completeness'],
  ppeCode: ['Kod PPE', 'PPE code'],
  missing: ['Brakujące okresy', 'Missing periods'],
  complete: ['Dane są kompletne.', 'The data is complete.'],
  andMore: ['i więcej', 'and more'],
  importFile: ['Import pliku OSD', 'Import a DSO file'],
  format: ['Format', 'Format'],
  formatGeneric: ['CSV (format Klaster Ledger)', 'CSV (Klaster Ledger format)'],
  ppeCodeHint: ['Kod PPE (dla plików z jednym PPE)', 'PPE code (for one-PPE files)'],
  file: ['Plik', 'File'],
  send: ['Wyślij', 'Send'],
  importing: ['Wysyłanie…', 'Sending…'],
  importAccepted: ['Plik przyjęty', 'File accepted'],
  importRejected: ['Plik odrzucony, nic nie zapisano', 'File rejected, nothing was recorded'],
  importNew: ['nowych odczytów', 'new readings'],
  importUnchanged: ['bez zmian (już zapisane)', 'unchanged (already recorded)'],
  importCorrected: ['poprawionych (inna wartość niż zapisana)', 'corrected (a value other than recorded)'],
  importDays: ['dni', 'days'],
  importPpe: ['punktów poboru (PPE)', 'metering points (PPE)'],
  importLines: ['wierszy pliku', 'lines of the file'],
  importLinesShort: ['wierszy', 'lines'],
  reasonProfile: ['nieznany profil importu', 'unknown import profile'],
  formatProfile: ['Profil importu', 'Import profile'],
  badLines: ['Błędne wiersze', 'Bad lines'],
  line: ['Wiersz', 'Line'],
  reason: ['Powód', 'Reason'],
  field: ['Pole', 'Field'],
  importTooLarge: ['Plik jest większy niż 64 MB. Podziel go na mniejsze części.', 'The file is larger than 64 MB. Split it into smaller parts.'],
  importExpired: ['Strona wygasła. Odśwież ją i wyślij plik ponownie.', 'The page has expired. Reload it and send the file again.'],
  importFailed: ['Nie udało się wysłać pliku', 'The file could not be sent'],
  closeMonth: ['Zamknij miesiąc', 'Close the month'],
  closeHelp: ['Zamknięcie utrwala rozliczenie miesiąca; późniejsze dane staną się korektami.', "Closing fixes the month's settlement; later data becomes corrections."],
  allowGaps: ['Zamknij mimo braków', 'Close despite gaps'],
  closeReason: ['Uzasadnienie (wymagane przy brakach)', 'Reason (required with gaps)'],
  correctionReason: ['Przyczyna korekty', 'Reason for the correction'],
  issueInvoices: ['Wystaw dokumenty', 'Issue the documents'],
  issued: ['Wystawiono dokumenty za ten miesiąc.', 'The documents of this month were issued.'],
  issuedAlready: ['Dokumenty za ten miesiąc były już wystawione; nic nowego nie powstało.', 'The documents of this month had already been issued; nothing new was made.'],
  issuedCount: ['Wystawione dokumenty', 'Documents issued'],
  closedDone: ['Miesiąc zamknięty.', 'The month is closed.'],
  correctionsDone: ['Wystawiono faktury korygujące.', 'The correction invoices were issued.'],
  transfers: ['Przepływy energii w klastrze', 'Energy transfers in the cluster'],
  transfersHelp: ['Wiersz: kto otrzymał, kolumna: kto oddał (kWh).', 'Row: who received, column: who supplied (kWh).'],
  receiver: ['Otrzymujący', 'Receiver'],
  total: ['Razem', 'Total'],
  supportLedger: ['Wsparcie klastra (rejestr godzinowy)', 'Cluster support (hourly ledger)'],
  compliance: ['Zgodność z wymogami', 'Compliance'],
  noWarnings: ['Brak ostrzeżeń.', 'No warnings.'],
  warning: ['Ostrzeżenie', 'Warning'],
  notAvailable: ['Ta część nie jest jeszcze dostępna w tej wersji systemu.', 'This part is not available in this version of the system yet.'],
  // auditor
  audit: ['Audyt', 'Audit'],
  chain: ['Łańcuch skrótów dziennika zdarzeń', "The event log's hash chain"],
  chainHelp: [
    'Każde zdarzenie zawiera skrót poprzedniego w swoim strumieniu; weryfikacja liczy wszystkie skróty od nowa.',
    'Every event holds the hash of the one before it in its stream; verification computes every hash again.',
  ],
  intact: ['nienaruszony', 'intact'],
  broken: ['NARUSZONY', 'BROKEN'],
  streams: ['Strumienie zdarzeń', 'Event streams'],
  streamsHelp: [
    'osobne ciągi zdarzeń: rejestr klastra, odczyty każdego PPE na każdy dzień, rozliczenia miesięcy, dokumenty',
    "separate sequences of events: the cluster registry, each PPE's readings per day, month settlements, documents",
  ],
  throughHelp: ['miejsce ostatniego sprawdzonego zdarzenia w dzienniku', 'where the last event checked stands in the log'],
  events: ['Zdarzenia sprawdzone', 'Events checked'],
  through: ['Sprawdzono do pozycji w dzienniku', 'Checked up to log position'],
  headsDigest: ['Skrót końców strumieni', 'Heads digest'],
  headsDigestHelp: [
    'SHA-256 z ostatniego skrótu każdego strumienia. Zapisz go poza systemem: przy kolejnej weryfikacji inna wartość przy tej samej pozycji oznacza przepisaną historię.',
    'SHA-256 over the last hash of every stream. Keep it outside the system: at a later verification, another value at the same position means history was rewritten.',
  ],
  replay: ['Odtworzenie miesiąca z dziennika zdarzeń', 'Replay a month from the event log'],
  replayHelp: [
    'Miesiąc przeliczony od nowa z samych zdarzeń, porównany z zamknięciem i z bieżącym widokiem.',
    'The month computed again from the events alone, compared with the close and with the live view.',
  ],
  identical: ['zgodne', 'identical'],
  differences: ['różnice', 'differences'],
  differencesHeading: ['Różnice', 'Differences'],
  check: ['Sprawdzenie', 'Check'],
  result: ['Wynik', 'Result'],
  correctionsIssued: ['Korekty wystawione po zamknięciu (brutto)', 'Corrections issued after the close (gross)'],
  withCorrections: ['Razem z korektami', 'Including the corrections'],
  importReload: ['Odśwież stronę, aby zobaczyć nowe liczby.', 'Reload the page to see the new figures.'],
  replayMatchesClose: ['Odtworzenie zgadza się z zamknięciem', 'The replay matches the close'],
  liveMatchesClose: ['Bieżące dane zgadzają się z zamknięciem', 'The live data matches the close'],
  liveMatchesReplay: ['Bieżący widok zgadza się z odtworzeniem', 'The live view matches the replay'],
  digestMatches: ['Skrót danych wejściowych zgadza się z zamknięciem', 'The input digest matches the close'],
  yes: ['tak', 'yes'],
  no: ['nie', 'no'],
  liveValue: ['Bieżąco', 'Live'],
  closedValue: ['Zamknięcie', 'Close'],
  replayedValue: ['Odtworzenie', 'Replay'],
  exportLog: ['Pobierz dziennik zdarzeń (NDJSON)', 'Download the event log (NDJSON)'],
  exportHelp: ['Wszystkie zdarzenia klastra ze skrótami, jedno w wierszu; do sprawdzenia poza systemem.', 'Every event of the cluster with its hashes, one a line; to be checked outside the system.'],
  notClosedYet: ['miesiąc otwarty', 'month open'],
  // errors
  notFound: ['Nie znaleziono.', 'Not found.'],
  error: ['Błąd', 'Error'],
  errorGeneric: ['Coś poszło nie tak. Spróbuj ponownie; jeśli błąd wraca, powiadom koordynatora.', 'Something went wrong. Try again; if it happens again, tell the coordinator.'],
  errorValidation: ['Dane są niepoprawne.', 'The data is not valid.'],
  errorConflict: ['Tego nie można teraz zrobić.', 'This cannot be done now.'],
  errorMonthNotEnded: ['Miesiąc jeszcze się nie skończył; można go zamknąć po jego końcu.', 'The month has not ended yet; it can be closed after it ends.'],
  errorMonthGaps: ['Brakuje odczytów za ten miesiąc. Zaznacz „Zamknij mimo braków” i podaj uzasadnienie.', 'Readings are missing for this month. Tick “Close despite gaps” and give a reason.'],
  errorAlreadyClosed: ['Miesiąc jest już zamknięty.', 'The month is closed already.'],
  errorNotClosed: ['Najpierw zamknij miesiąc.', 'Close the month first.'],
  errorNoDocuments: ['Najpierw wystaw dokumenty za ten miesiąc.', "Issue the month's documents first."],
  errorReasonRequired: ['Podaj uzasadnienie.', 'Give a reason.'],
  errorBadMonth: ['Niepoprawny miesiąc.', 'Not a valid month.'],
  backToMonths: ['Wróć do listy miesięcy', 'Back to the months'],
  // file errors (the parsers' reasons in people's words; unknown ones are shown as given)
  reasonNumber: ['to nie jest liczba', 'is not a number'],
  reasonDate: ['niepoprawna data lub godzina', 'not a valid date or time'],
  reasonColumns: ['zła liczba kolumn', 'wrong number of columns'],
  reasonDirection: ['nieznany rodzaj energii (pobór lub oddanie)', 'unknown kind of energy (drawn or fed in)'],
  reasonUnknownPpe: ['nieznany kod PPE', 'unknown PPE code'],
  reasonNegative: ['wartość ujemna', 'a negative value'],
  reasonDuplicate: ['ten sam okres drugi raz', 'the same period a second time'],
  reasonHeader: ['brak lub zły wiersz nagłówka', 'a missing or wrong header line'],
  reasonPpeRequired: ['podaj kod PPE dla tego formatu', 'give the PPE code for this format'],
  reasonOther: ['wiersz nie pasuje do formatu', 'the line does not fit the format'],
} as const;

export type TextKey = keyof typeof TEXTS;

export function t(lang: Lang, key: TextKey): string {
  // a key built at run time (a reason code, a role) may name no text: say which
  if (!hasText(key)) throw new Error(`portal text ${String(key)} is missing`);
  return TEXTS[key][lang === 'pl' ? 0 : 1];
}

/** Whether a string names a text (a row label may be a text's key or a label as it is). */
export function hasText(key: string): key is TextKey {
  return Object.prototype.hasOwnProperty.call(TEXTS, key);
}

export const ALL_TEXT_KEYS = Object.keys(TEXTS) as TextKey[];

/** Numbers, money, energy, dates and months in the page's locale. Integers in, text out: no float touches a value. */
export class Format {
  readonly locale: string;
  private readonly integer: Intl.NumberFormat;
  private readonly decimal: string;
  private readonly dateTime: Intl.DateTimeFormat;
  private readonly date: Intl.DateTimeFormat;
  private readonly monthName: Intl.DateTimeFormat;
  private readonly hourMinute: Intl.DateTimeFormat;

  constructor(readonly lang: Lang) {
    this.locale = lang === 'pl' ? 'pl-PL' : 'en-GB';
    // grouping always: 9 275,105 and 10 366,356 line up in a column (pl-PL leaves 4 digits ungrouped)
    this.integer = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 0, useGrouping: 'always' });
    this.decimal = lang === 'pl' ? ',' : '.';
    this.dateTime = new Intl.DateTimeFormat(this.locale, { timeZone: 'Europe/Warsaw', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    this.date = new Intl.DateTimeFormat(this.locale, { timeZone: 'UTC', dateStyle: 'long' });
    this.monthName = new Intl.DateTimeFormat(this.locale, { timeZone: 'UTC', month: 'long', year: 'numeric' });
    this.hourMinute = new Intl.DateTimeFormat(this.locale, { timeZone: 'Europe/Warsaw', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  }

  /** An integer with `scale` decimals (grosze: 2, Wh as kWh: 3, bp as %: 2). */
  fixed(value: number, scale: number): string {
    const sign = value < 0 ? '−' : '';
    const abs = Math.abs(value);
    const unit = 10 ** scale;
    return `${sign}${this.integer.format(Math.floor(abs / unit))}${this.decimal}${String(abs % unit).padStart(scale, '0')}`;
  }

  int(value: number): string {
    return this.integer.format(value);
  }

  zl(grosze: number): string {
    return `${this.fixed(grosze, 2)} zł`;
  }

  /** A difference with its sign always written: +1,83 zł, −0,40 zł. */
  signedZl(grosze: number): string {
    return `${grosze > 0 ? '+' : ''}${this.zl(grosze)}`;
  }

  kwh(wh: number): string {
    return `${this.fixed(wh, 3)} kWh`;
  }

  signedKwh(wh: number): string {
    return `${wh > 0 ? '+' : ''}${this.kwh(wh)}`;
  }

  percentBp(bp: number): string {
    return `${this.fixed(bp, 2)} %`;
  }

  /** An instant, Warsaw time. */
  instant(iso: string | Date): string {
    return this.dateTime.format(typeof iso === 'string' ? new Date(iso) : iso);
  }

  /** A calendar date YYYY-MM-DD. */
  day(date: string): string {
    return this.date.format(new Date(`${date}T12:00:00Z`));
  }

  /** YYYY-MM as "maj 2026" / "May 2026". */
  month(month: string): string {
    return this.monthName.format(new Date(`${month}-15T12:00:00Z`));
  }

  time(iso: string | Date): string {
    return this.hourMinute.format(typeof iso === 'string' ? new Date(iso) : iso);
  }
}
