import type { Descriptor } from '../oci/descriptor';
import { encodeDescriptor, goIndent } from '../oci/encoding/goJson';

/**
 * A descriptor as oras prints it with --descriptor: Go's field order, on one line, or with --pretty indented two
 * spaces as Go's json.Indent does; a final newline either way.
 */
export function descriptorText(desc: Descriptor, pretty: boolean): string {
  const text = encodeDescriptor(desc);
  return (pretty ? goIndent(text) : text) + '\n';
}
