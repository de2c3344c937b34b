import { FolderInput } from 'lucide-react';
import type { Provenance } from '../../../../src/domain';
import { relativeTime } from '../../ui/format';
import './transfer.css';

/**
 * Where a character or pose library was copied from (its provenance), for the inspector: the other
 * project's name, with its id and the original item's id in the tooltip.
 */
export function CopiedFromNote(props: { copiedFrom: Provenance | undefined }) {
  const from = props.copiedFrom;
  if (!from) return null;
  return (
    <div
      className="provenance row"
      data-testid="copied-from"
      title={`Project id ${from.projectId}, item id ${from.itemId}, copied ${new Date(from.copiedAt).toLocaleString()}`}
    >
      <FolderInput size={12} aria-hidden />
      <span>
        Copied from <strong>{from.projectName}</strong> {relativeTime(from.copiedAt)}
      </span>
    </div>
  );
}
