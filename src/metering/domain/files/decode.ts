// DSO files come as UTF-8 (with or without BOM) or Windows-1250. Decide on the first
// chunk: a BOM, or bytes that are valid UTF-8, mean UTF-8; anything else is cp1250.
import iconv from 'iconv-lite';
import { PassThrough, type Readable, Transform } from 'node:stream';

/** `forced`: the encoding an import profile names; otherwise decided on the first chunk. */
export function decodeToText(input: Readable, forced?: 'utf8' | 'win1250'): Readable {
  let decided: Transform | null = null;
  const output = new PassThrough({ encoding: 'utf8' });
  const router = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!decided) {
        let encoding: string;
        let body = chunk;
        if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf && forced !== 'win1250') {
          encoding = 'utf8';
          body = chunk.subarray(3);
        } else if (forced) {
          encoding = forced;
        } else {
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(chunk, { stream: true });
            encoding = 'utf8';
          } catch {
            encoding = 'win1250';
          }
        }
        decided = iconv.decodeStream(encoding) as unknown as Transform;
        decided.on('error', (error) => output.destroy(error));
        decided.pipe(output);
        decided.write(body);
        callback();
        return;
      }
      decided.write(chunk);
      callback();
    },
    flush(callback) {
      if (decided) decided.end();
      else output.end();
      callback();
    },
  });
  // pipe() does not carry an error on: an input that fails (a client gone, a form cut
  // short) fails whatever reads the text, instead of an 'error' nobody listens to
  const pipe = output.pipe.bind(output);
  output.pipe = <T extends NodeJS.WritableStream>(destination: T, options?: { end?: boolean }): T => {
    output.on('error', (error) => {
      (destination as unknown as { destroy(error: Error): void }).destroy(error);
    });
    return pipe(destination, options);
  };
  input.on('error', (error) => output.destroy(error));
  // one that failed before it was handed here (a form cut short while the request was checked)
  if (input.errored) queueMicrotask(() => output.destroy(input.errored as Error));
  input.pipe(router);
  router.resume();
  return output;
}
