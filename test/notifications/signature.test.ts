import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { signBody, verifyBody } from '../../src/notifications/signature.ts';

const secret = fc.uint8Array({ minLength: 16, maxLength: 64 });
// Bodies as the webhook sends them: JSON with Chinese text, any code point.
const body = fc.record({ to: fc.string(), text: fc.string({ unit: 'grapheme' }), reference: fc.string(), id: fc.uuid() }).map((b) => JSON.stringify(b));

describe('the SMS webhook signature', () => {
  it('verifies what it signed, as the gateway would: same secret, same bytes', () => {
    fc.assert(fc.property(secret, body, (key, text) => {
      const signature = signBody(key, text);
      assert.match(signature, /^sha256=[0-9a-f]{64}$/);
      assert.ok(verifyBody(key, text, signature));
      assert.ok(verifyBody(key, Buffer.from(text, 'utf8'), signature), 'over the UTF-8 bytes on the wire');
    }));
  });

  it('fails for any other body', () => {
    fc.assert(fc.property(secret, body, body, (key, text, other) => {
      fc.pre(other !== text);
      assert.ok(!verifyBody(key, other, signBody(key, text)));
    }));
  });

  it('fails when one byte of the body changes', () => {
    fc.assert(fc.property(secret, body, fc.nat(), fc.integer({ min: 1, max: 255 }), (key, text, at, flip) => {
      const bytes = Buffer.from(text, 'utf8');
      const changed = Buffer.from(bytes);
      const i = at % bytes.length;
      changed[i] = changed[i]! ^ flip;
      assert.ok(!verifyBody(key, changed, signBody(key, bytes)));
    }));
  });

  it('fails under another secret, and for a signature cut short or mangled', () => {
    fc.assert(fc.property(secret, secret, body, fc.nat(), (key, otherKey, text, cut) => {
      const signature = signBody(key, text);
      if (!Buffer.from(otherKey).equals(Buffer.from(key))) assert.ok(!verifyBody(otherKey, text, signature));
      assert.ok(!verifyBody(key, text, signature.slice(0, cut % signature.length)));
      assert.ok(!verifyBody(key, text, signature.toUpperCase()));
    }));
  });
});
