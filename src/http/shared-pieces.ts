/**
 * One copy of the pieces that many cached bodies share (the dotations of a
 * release repeat each dataset's head — titre, producteur, licence, finalité —
 * in every commune's document): a body is kept as references to these pieces
 * and its own bytes (see `CachedBody.pieced`). Consecutive own parts are joined
 * into one buffer. Only parts marked shared are interned, so the table grows
 * with the distinct shared texts (per dataset and status), not with the bodies.
 */
import type { JsonPart } from '../dotation/json-parts.js';
import { CachedBody, type PiecedIdentity } from './cached-body.js';

export class SharedPieces {
  private readonly interned = new Map<string, Buffer>();
  /** Bytes held by the interned pieces. */
  bytes = 0;

  get size(): number { return this.interned.size; }

  identity(parts: readonly JsonPart[]): PiecedIdentity {
    const pieces: Buffer[] = [];
    let own = '';
    let ownBytes = 0;
    const flushOwn = () => {
      if (!own) return;
      const bytes = Buffer.from(own, 'utf8');
      pieces.push(bytes);
      ownBytes += bytes.length;
      own = '';
    };
    for (const part of parts) {
      if (!part.shared) { own += part.text; continue; }
      flushOwn();
      let piece = this.interned.get(part.text);
      if (!piece) {
        this.interned.set(part.text, piece = Buffer.from(part.text, 'utf8'));
        this.bytes += piece.length;
      }
      pieces.push(piece);
    }
    flushOwn();
    return { pieces, ownBytes };
  }

  body(parts: readonly JsonPart[], contentType: string): CachedBody {
    return CachedBody.pieced(this.identity(parts), contentType);
  }
}
