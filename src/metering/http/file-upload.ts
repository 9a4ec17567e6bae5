// A metering file as the upload routes receive it: the request body itself or the one file
// part of a multipart form, streamed (nothing buffered), counted against MAX_FILE_BYTES and
// hashed as it streams into the parser.
import type { Request } from 'express';
import { createHash } from 'node:crypto';
import { PassThrough, pipeline, type Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import { problem, ProblemException } from '../../common/problem.js';

/** Files up to this size are accepted; the parse streams, so memory does not grow with it. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

const tooLarge = () => new ProblemException(problem(413, `The file is larger than ${String(MAX_FILE_BYTES / 1024 / 1024)} MB`));

/** A declared Content-Length over the maximum: refused before a byte is read. */
export function refuseDeclaredSize(request: Request): void {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_FILE_BYTES) {
    request.resume();
    throw tooLarge();
  }
}

/** The file's bytes, counted (413 past the maximum) and hashed as they stream; `digest` once read. */
export async function uploadedFile(request: Request, multipart: boolean): Promise<{ stream: Readable; digest: () => string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > MAX_FILE_BYTES) {
        callback(tooLarge());
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  const file = multipart ? await filePart(request) : request;
  // pipeline, not pipe: an error of the body (a client gone, a form cut short) reaches the parser
  pipeline(file, meter, () => undefined);
  return { stream: meter, digest: () => hash.digest('hex') };
}

/**
 * The one file part of a multipart upload, as a stream (busboy: nothing is buffered).
 * Other fields are ignored; a second file, or none, is a 400. The stream ends only when
 * the whole form has been read and closed properly: a form that ends early, or a second
 * file part after the first, fails the stream (400) instead of passing a partial file.
 */
function filePart(request: Request): Promise<Readable> {
  return new Promise((resolve, reject) => {
    const refuse = (reason: string) => ProblemException.validation([{ field: 'file', reason }]);
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { files: 1, fields: 20, fileSize: MAX_FILE_BYTES + 1 } });
    } catch (error) {
      request.resume();
      reject(ProblemException.validation([{ field: 'content-type', reason: (error as Error).message }]));
      return;
    }
    const out = new PassThrough();
    out.on('error', () => undefined); // the reader sees it; no listener left means no crash
    let found = false;
    let failure: ProblemException | undefined;
    const fail = (error: ProblemException) => {
      failure ??= error;
      if (found) out.destroy(failure);
      else reject(failure);
      request.unpipe(parser);
      request.resume();
    };
    parser.on('file', (_name, stream) => {
      if (found) return stream.resume();
      found = true;
      stream.on('error', (error) => {
        fail(refuse(`the multipart body could not be read: ${error.message}`));
      });
      stream.pipe(out, { end: false });
      resolve(out);
    });
    parser.on('filesLimit', () => {
      fail(refuse('send one file per request'));
    });
    parser.on('error', (error) => {
      fail(refuse(`the multipart body could not be read: ${(error as Error).message}`));
    });
    parser.on('close', () => {
      if (failure) return;
      if (!found) reject(refuse('the multipart body holds no file part'));
      else out.end();
    });
    request.on('error', (error) => {
      fail(refuse(`the upload was interrupted: ${error.message}`));
    });
    request.pipe(parser);
  });
}
