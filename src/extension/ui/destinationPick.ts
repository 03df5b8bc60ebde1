import * as l10n from '@vscode/l10n';
import vscode = require('vscode');
import { destinationItems, type DestinationItem, type KnownRegistry } from '../present/destination';
import { Cancelled } from './prompts';

/**
 * One QuickPick for Copy to Registry's destination: the added repositories to pick, and whatever is typed as a new
 * `registry/repository[:tag]`, checked as it is typed. Returns `registry/repository:tag`.
 */
export function pickDestination(known: readonly KnownRegistry[], title: string, sourceTag: string | undefined): Promise<string> {
  const pick = vscode.window.createQuickPick<DestinationItem & vscode.QuickPickItem>();
  pick.title = title;
  pick.placeholder = sourceTag
    ? l10n.t('Pick an added repository, or type registry/repository[:tag] (the tag is {0} unless given)', sourceTag)
    : l10n.t('Pick an added repository, or type registry/repository:tag');
  pick.ignoreFocusOut = true;
  pick.matchOnDescription = false;
  const refresh = () => {
    pick.items = destinationItems(known, pick.value, sourceTag);
  };
  refresh();
  return new Promise<string>((resolve, reject) => {
    let done = false;
    pick.onDidChangeValue(refresh);
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!item) return;
      if (item.value) {
        done = true;
        resolve(item.value);
        pick.hide();
      } else if (item.fill !== undefined) {
        pick.value = item.fill;
        refresh();
      }
      // Otherwise the typed text is not a destination: its row says why, and the pick stays open.
    });
    pick.onDidHide(() => {
      pick.dispose();
      if (!done) reject(new Cancelled());
    });
    pick.show();
  });
}
