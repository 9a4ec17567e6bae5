// Text that no field of any route may hold: U+0000 and the other control characters
// (tab and line breaks only in a multi-line field), lone surrogates (not Unicode, and
// PostgreSQL refuses them) and the non-characters U+FFFE/U+FFFF. Refused at validation,
// naming the field, so nothing a read model cannot store is ever written to the log.
import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import type { FieldError } from '../shared/domain-error.js';
import { ProblemException } from './problem.js';

// without the u flag: surrogates are code units here, so a lone one is found
// (the control characters are written by code: the refusal of control characters is the point)
const c = (code: number) => String.fromCharCode(code);
const LONE_SURROGATE = '[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const SINGLE_LINE = new RegExp(`[${c(0x00)}-${c(0x1f)}\\u007f-\\u009f\\ufffe\\uffff]|${LONE_SURROGATE}`);
const MULTI_LINE = new RegExp(`[${c(0x00)}-${c(0x08)}${c(0x0b)}${c(0x0c)}${c(0x0e)}-${c(0x1f)}\\u007f-\\u009f\\ufffe\\uffff]|${LONE_SURROGATE}`);

/** Fields (by their last name) that may hold tabs and line breaks: the reasons people write, an import profile's sample file and its delimiter (a tab). */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set(['reason', 'sample', 'delimiter']);

/** Deeper bodies are refused: no request of this API nests more than a few levels. */
export const MAX_DEPTH = 32;
const MAX_ERRORS = 100;

/** Why a text may not be stored, or undefined. */
export function textReason(text: string, multiLine = false): string | undefined {
  const match = (multiLine ? MULTI_LINE : SINGLE_LINE).exec(text);
  if (!match) return undefined;
  const unit = match[0].charCodeAt(0);
  const at = `U+${unit.toString(16).toUpperCase().padStart(4, '0')} at position ${String(match.index)}`;
  if (unit >= 0xd800 && unit <= 0xdfff) return `holds a lone surrogate (${at}): not valid Unicode text`;
  if (unit === 0xfffe || unit === 0xffff) return `holds a non-character (${at})`;
  return multiLine ? `holds a control character (${at}); only tabs and line breaks are allowed` : `holds a control character (${at}); this field is one line of text`;
}

function lastName(path: string): string {
  return (
    path
      .replace(/\[\d+\]$/g, '')
      .split('.')
      .pop() ?? path
  );
}

/**
 * Whether a value may hold bad text (or nests too deep): one pass without paths, so a batch
 * of 200,000 readings costs a few tens of milliseconds. The multi-line test is the looser
 * one: a reason's line break is looked at again, with its path, by findBadText.
 */
const goodKeys = new Set<string>();

function mayHoldBadText(value: unknown): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length > 0) {
    const v = values.pop();
    const depth = depths.pop() ?? 0;
    if (typeof v === 'string') {
      if (SINGLE_LINE.test(v)) return true;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return true;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (item !== null && (typeof item === 'object' || typeof item === 'string')) {
          values.push(item);
          depths.push(depth + 1);
        }
      }
      continue;
    }
    for (const key in v) {
      // the same few field names come back in every object of a batch
      if (!goodKeys.has(key)) {
        if (SINGLE_LINE.test(key)) return true;
        if (goodKeys.size < 10_000) goodKeys.add(key);
      }
      values.push((v as Record<string, unknown>)[key]);
      depths.push(depth + 1);
    }
  }
  return false;
}

/** Every bad text in a parsed body, query or parameter, with its path: `members[0].legalName`. */
export function findBadText(value: unknown, root = ''): FieldError[] {
  if (!mayHoldBadText(value)) return [];
  const errors: FieldError[] = [];
  // iterative: a body nested thousands deep must not overflow the stack
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0 && errors.length < MAX_ERRORS) {
    const top = stack.pop();
    if (!top) break;
    const { value: v, path, depth } = top;
    if (typeof v === 'string') {
      const reason = textReason(v, MULTI_LINE_FIELDS.has(lastName(path)));
      if (reason) errors.push({ field: path || 'body', reason });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) {
      errors.push({ field: path || 'body', reason: `is nested more than ${String(MAX_DEPTH)} levels deep` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const item: unknown = v[i];
        // a series of a million numbers: skip them without a stack entry each
        if (item !== null && (typeof item === 'object' || typeof item === 'string')) stack.push({ value: item, path: `${path}[${String(i)}]`, depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(v);
    for (const key of keys.reverse()) {
      const path_ = path ? `${path}.${key}` : key;
      const keyReason = textReason(key);
      if (keyReason) {
        errors.push({ field: path ? `${path}.${JSON.stringify(key).slice(1, -1)}` : JSON.stringify(key).slice(1, -1), reason: `the field name ${keyReason}` });
        continue;
      }
      stack.push({ value: (v as Record<string, unknown>)[key], path: path_, depth: depth + 1 });
    }
  }
  return errors;
}

/**
 * A global pipe before validation: every body, query parameter and path parameter of
 * every route is checked for text that may not be stored. A query parameter given more
 * than once (an array where one text is expected) is refused too.
 */
export class TextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body' && metadata.type !== 'query' && metadata.type !== 'param') return value;
    const errors: FieldError[] = [];
    if ((metadata.type === 'query' || metadata.type === 'param') && metadata.data) {
      if (value !== undefined && typeof value !== 'string') errors.push({ field: metadata.data, reason: 'must be given once, as text' });
      else if (typeof value === 'string') {
        const reason = textReason(value);
        if (reason) errors.push({ field: metadata.data, reason });
      }
    } else {
      errors.push(...findBadText(value));
    }
    if (errors.length > 0) throw ProblemException.validation(errors, 'The request holds text that cannot be accepted; nothing was recorded');
    return value;
  }
}
