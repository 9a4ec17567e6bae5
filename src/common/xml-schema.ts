// Offline XML Schema validation (libxml2 compiled to WebAssembly). The official schemas
// import their base types by absolute http URLs; those URLs are served from the copies in
// assets/ksef/ by an input provider, so validation never touches the network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XmlBufferInputProvider, XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';
import { projectRoot } from '../database/paths.js';

export interface XmlSchemaError {
  /** The element the error is about (a path like /Faktura/Podmiot1/...) when libxml2 knows it. */
  element: string | null;
  line: number;
  reason: string;
}

export type XmlValidation = { valid: true } | { valid: false; errors: XmlSchemaError[] };

const KSEF_DIR = () => join(projectRoot(), 'assets', 'ksef');
const BASE_URL = 'http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/';

let provider: XmlBufferInputProvider | null = null;

/** The base types FA(3) imports, served under the URLs the schemas name (once a process). */
function baseTypesProvider(): XmlBufferInputProvider {
  if (provider) return provider;
  const files: Record<string, Uint8Array> = {};
  for (const name of ['StrukturyDanych_v10-0E.xsd', 'ElementarneTypyDanych_v10-0E.xsd', 'KodyKrajow_v10-0E.xsd']) {
    files[BASE_URL + name] = readFileSync(join(KSEF_DIR(), 'FA3', 'bazowe', name));
  }
  provider = new XmlBufferInputProvider(files);
  xmlRegisterInputProvider(provider);
  return provider;
}

/** A compiled schema; compiled once and kept for the life of the process. */
export class XmlSchema {
  private constructor(private readonly validator: XsdValidator) {}

  static fromFile(path: string, url: string): XmlSchema {
    baseTypesProvider();
    const xsd = XmlDocument.fromBuffer(readFileSync(path), { url });
    try {
      return new XmlSchema(XsdValidator.fromDoc(xsd));
    } finally {
      xsd.dispose();
    }
  }

  validate(xml: string | Uint8Array): XmlValidation {
    let doc: XmlDocument;
    try {
      doc = typeof xml === 'string' ? XmlDocument.fromString(xml) : XmlDocument.fromBuffer(xml);
    } catch (error) {
      return { valid: false, errors: toErrors(error) };
    }
    try {
      this.validator.validate(doc);
      return { valid: true };
    } catch (error) {
      return { valid: false, errors: toErrors(error) };
    } finally {
      doc.dispose();
    }
  }
}

function toErrors(error: unknown): XmlSchemaError[] {
  if (error instanceof XmlLibError && error.details.length > 0) {
    return error.details.map((d) => ({ element: elementOf(d.message, d.xpath), line: d.line, reason: d.message.replace(/\{https?:[^}]*\}/g, '').trim() }));
  }
  return [{ element: null, line: 0, reason: error instanceof Error ? error.message : String(error) }];
}

// libxml2 names the element in its message ("Element '{ns}P_15': ..."): its local name says
// more than the XPath it gives for the root ("/*").
function elementOf(message: string, xpath: string | undefined): string | null {
  const m = /Element '(?:\{[^}]*\})?([^']+)'/.exec(message);
  return m?.[1] ?? xpath ?? null;
}

let fa3: XmlSchema | null = null;
let upo: XmlSchema | null = null;

/** The official FA(3) e-invoice schema (assets/ksef/FA3). */
export function fa3Schema(): XmlSchema {
  fa3 ??= XmlSchema.fromFile(join(KSEF_DIR(), 'FA3', 'schemat_FA3_v1-0E.xsd'), 'file:///ksef/FA3/schemat_FA3_v1-0E.xsd');
  return fa3;
}

/** The official UPO (receipt) schema, version 4-3. */
export function upoSchema(): XmlSchema {
  upo ??= XmlSchema.fromFile(join(KSEF_DIR(), 'upo-v4-3.xsd'), 'file:///ksef/upo-v4-3.xsd');
  return upo;
}
