// The extension's modules localize with @vscode/l10n, imported as `import * as l10n from '@vscode/l10n'` and called
// as `l10n.t(...)`: that is the spelling @vscode/l10n-dev extracts into l10n/bundle.l10n.json (it does not see
// `vscode.l10n.t` through `import vscode = require('vscode')`). activate() hands it VS Code's bundle; in plain Node
// (unit tests) `t` only fills in `{0}`-style placeholders. This re-export is for modules that still import `t` here.
export { t } from '@vscode/l10n';
