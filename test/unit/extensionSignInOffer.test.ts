// When the extension offers "Sign In" (src/extension/registries/signInOffer.ts): on the core's UNAUTHORIZED code only.
import * as assert from 'node:assert/strict';
import { OciError } from '../../src/oci/errors';
import { RegistryError } from '../../src/oci/registry/registryError';
import { signInOffer } from '../../src/extension/registries/signInOffer';

describe('extension: the "Sign In" offer', () => {
  const known = (host: string) => host === 'localhost:5000';

  it('offers it for a registry\'s 401, for the host the request went to when the user added it', () => {
    const err = new RegistryError('GET', 'http://localhost:5000/v2/team/app/tags/list', 401);
    assert.equal(err.code, 'UNAUTHORIZED');
    assert.deepEqual(signInOffer(err, { isKnown: known }), { registry: 'localhost:5000' });
    // A host the user never added is not guessed: the command asks.
    assert.deepEqual(signInOffer(new RegistryError('GET', 'https://other.example/v2/', 401), { isKnown: known }), {});
  });

  it('offers it for a token server\'s refusal (an OciError, not a RegistryError), for the registry given', () => {
    const err = new OciError('UNAUTHORIZED', 'localhost:5000: the token server http://127.0.0.1:9/token answered 401');
    assert.deepEqual(signInOffer(err, { registry: 'localhost:5000' }), { registry: 'localhost:5000' });
    assert.deepEqual(signInOffer(err, { isKnown: known }), {});
  });

  it('does not offer it for other failures, whatever their text says', () => {
    assert.equal(signInOffer(new RegistryError('GET', 'http://localhost:5000/v2/', 403), { registry: 'localhost:5000' }), undefined);
    assert.equal(signInOffer(new RegistryError('GET', 'http://localhost:5000/v2/', 500), { registry: 'localhost:5000' }), undefined);
    assert.equal(signInOffer(new Error('unauthorized: authentication required'), { registry: 'localhost:5000' }), undefined);
    assert.equal(signInOffer(new OciError('NOT_FOUND', 'unauthorized'), { registry: 'localhost:5000' }), undefined);
  });
});
