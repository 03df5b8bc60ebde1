// Drag and drop in the Layouts view: a tag or manifest dropped on another layout (its row or any row under it) is
// copied there, as Copy to Layout… does, with the destination answered by the drop and a tag kept as it is (a
// manifest row's tag is asked); platforms, referrers and a tag to move are asked as ever (of several rows, as of a
// selection: once for all). A drop copies, never moves: the source layout is left as it was.
import vscode = require('vscode');
import { keptTags } from '../commands/copyToLayout';
import { ManifestLikeNode, type Node } from '../tree/nodes';
import { LAYOUTS_VIEW } from './layoutsTree';

/** The type VS Code gives a drag from this view's own rows (`application/vnd.code.tree.<view id, lower case>`). */
export const LAYOUTS_DRAG_TYPE = `application/vnd.code.tree.${LAYOUTS_VIEW.toLowerCase()}`;

export class LayoutsDragAndDrop implements vscode.TreeDragAndDropController<Node> {
  readonly dragMimeTypes = [LAYOUTS_DRAG_TYPE];
  readonly dropMimeTypes = [LAYOUTS_DRAG_TYPE];

  /** The dragged rows themselves, for a drop in this view (said outright rather than left to the workbench's default). */
  handleDrag(source: readonly Node[], dataTransfer: vscode.DataTransfer): void {
    dataTransfer.set(LAYOUTS_DRAG_TYPE, new vscode.DataTransferItem(source));
  }

  async handleDrop(target: Node | undefined, dataTransfer: vscode.DataTransfer, token: vscode.CancellationToken): Promise<void> {
    const to = target?.layout;
    if (!to || to.folder.readOnly) return; // on empty space, or on an archive: nothing to copy into
    const dragged = (dataTransfer.get(LAYOUTS_DRAG_TYPE)?.value ?? []) as readonly Node[];
    // Only what a layout other than the drop's holds: within one layout a drop would only tag (Tag… does that).
    const copies = dragged.filter((n): n is ManifestLikeNode => n instanceof ManifestLikeNode && n.layout !== undefined && n.layout.path !== to.path);
    if (copies.length === 0 || token.isCancellationRequested) return;
    // Through the command: the workspace-trust check, and errors shown as its own are. Several rows go as a selection
    // does, so its questions are asked once for all of them.
    if (copies.length === 1) await vscode.commands.executeCommand('manifold.copyToLayout', copies[0], { to: to.path, tags: keptTags(copies[0]!) });
    else await vscode.commands.executeCommand('manifold.copyToLayout', copies[0], copies, { to: to.path });
  }
}
