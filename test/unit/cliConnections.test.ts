// How many connections the CLI lets a registry client open: --max-connections, then $MANIFOLD_MAX_CONNECTIONS,
// then the client's default; `cp --concurrency N` never gets fewer than 2N + 2 (each transfer may stream from and
// to one registry).
import * as assert from 'node:assert/strict';
import { maxConnections } from '../../src/cli/registryOptions';

const parsed = (values: Record<string, string>) => ({ values, positionals: [] });

describe('CLI: connections per registry', () => {
  it('takes the flag before the variable, and leaves the default to the client', () => {
    assert.equal(maxConnections(parsed({}), {}), undefined);
    assert.equal(maxConnections(parsed({}), { MANIFOLD_MAX_CONNECTIONS: '4' }), 4);
    assert.equal(maxConnections(parsed({ 'max-connections': '2' }), { MANIFOLD_MAX_CONNECTIONS: '4' }), 2);
  });

  it('gives cp --concurrency N at least 2N + 2', () => {
    assert.equal(maxConnections(parsed({ concurrency: '3' }), {}), 8);
    assert.equal(maxConnections(parsed({ concurrency: '6' }), {}), 14);
    assert.equal(maxConnections(parsed({ concurrency: '6', 'max-connections': '4' }), {}), 14);
    assert.equal(maxConnections(parsed({ concurrency: '2', 'max-connections': '20' }), {}), 20);
  });

  it('refuses what is not a positive whole number, naming where it came from', () => {
    assert.throws(() => maxConnections(parsed({ 'max-connections': '0' }), {}), /--max-connections must be a positive whole number, got "0"/);
    assert.throws(() => maxConnections(parsed({}), { MANIFOLD_MAX_CONNECTIONS: 'many' }), /MANIFOLD_MAX_CONNECTIONS must be a positive whole number, got "many"/);
  });
});
