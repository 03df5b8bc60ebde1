// What the registry client takes from undici, bundled alone as dist/undici.js (esbuild.mjs): its HTTP/1.1
// client, connection pools and the request API, without fetch, WebSocket, caches and mocks, which are half
// its load time. Tests and tsx use the whole package; both give the same classes.
const Dispatcher = require('undici/lib/dispatcher/dispatcher');
// As undici's own index does: every dispatcher gets request(), stream(), pipeline()...
Object.assign(Dispatcher.prototype, require('undici/lib/api'));

// What client.ts's undici() takes, and no more.
module.exports = {
  Agent: require('undici/lib/dispatcher/agent'),
  // The TLS connection itself, wrapped to hear a registry's TLS alerts (tlsAlerts.ts).
  buildConnector: require('undici/lib/core/connect'),
  // Only behind a proxy the caller names (the extension's http.proxy): loaded when asked for.
  get ProxyAgent(): unknown {
    return require('undici/lib/dispatcher/proxy-agent');
  },
  get Pool(): unknown {
    return require('undici/lib/dispatcher/pool');
  },
  // Only behind HTTPS_PROXY: loaded when asked for.
  get EnvHttpProxyAgent(): unknown {
    return require('undici/lib/dispatcher/env-http-proxy-agent');
  },
};
