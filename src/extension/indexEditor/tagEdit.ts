// A tag renamed in the table of a layout's own index.json: the same rules as the Tag command, so the table cannot
// write a name Manifold's tag would refuse, nor a second entry of one name. No `vscode` here (unit-tested in Node).
import * as l10n from '@vscode/l10n';
import { ANNOTATION_REF_NAME } from '../../oci/descriptor';
import type { IndexModel } from '../../oci/indexDocument';
import { checkTag } from '../../oci/reference';
import type { TableEdit } from '../../shared/indexEditorProtocol';

/** Why this edit of a layout's index.json cannot be made; undefined when it can (or is no tag edit). */
export function tagEditProblem(model: IndexModel, edit: TableEdit): string | undefined {
  if (edit.type !== 'setAnnotation' || edit.row === undefined || edit.key.trim() !== ANNOTATION_REF_NAME) return undefined;
  const tag = edit.value;
  try {
    checkTag(tag);
  } catch (err) {
    return l10n.t('manifests[{0}]: {1}', edit.row, (err as Error).message);
  }
  const other = model.rows.find((r) => r.index !== edit.row && r.annotations[ANNOTATION_REF_NAME] === tag);
  if (other) return l10n.t('manifests[{0}]: the tag {1} already names manifests[{2}]: untag that entry first (the Tag command moves a tag).', edit.row, tag, other.index);
  return undefined;
}
