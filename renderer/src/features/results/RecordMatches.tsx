import { UserRound, Footprints } from 'lucide-react';
import type { RecordMatchView } from '../../../../src/contract/calls/workspace';
import { getBridge } from '../../bridge/bridge';
import { useBridgeQuery } from '../../bridge/queries';
import { useNavigation } from '../../app/navigation';
import { select } from '../../app/selection';
import { wsKeys } from './workspace-data';

/**
 * Above the grid, while the top bar's search (SearchField) holds words: the characters and poses the same
 * words are found in (name, description, style words, notes, tags; a pose's name, tags and library), each
 * a button that opens it. The gallery itself lists the results, found by their prompts, names, tags and
 * seeds (results.query's text).
 */
export function RecordMatches({ project, text }: { project: string; text: string }) {
  const go = useNavigation().go;
  const found = useBridgeQuery(
    [...wsKeys.all(project), 'search', text],
    () => getBridge().search.records({ text, limit: 6 }),
    text.trim().length > 0,
  );
  const data = found.data;
  if (!text.trim() || !data || (data.characters.length === 0 && data.poses.length === 0)) return null;
  const open = (match: RecordMatchView) => {
    if (match.kind === 'character') {
      select({ characterId: match.id });
      go('characters');
    } else {
      select({ libraryId: match.libraryId ?? null, poseId: match.id });
      go('poses');
    }
  };
  const more = data.more.characters + data.more.poses;
  return (
    <div className="record-matches" role="group" aria-label="Also found in characters and poses">
      <span className="record-matches-label">Also in</span>
      {[...data.characters, ...data.poses].map((match) => (
        <button
          key={`${match.kind}:${match.id}`}
          type="button"
          className="chip"
          onClick={() => open(match)}
          title={match.excerpt ?? `Found in the ${match.kind}’s ${match.fields.join(', ')}`}
        >
          {match.kind === 'character' ? (
            <UserRound size={12} aria-hidden />
          ) : (
            <Footprints size={12} aria-hidden />
          )}
          <span>{match.name}</span>
          <span className="record-matches-where">
            {match.kind === 'pose' && match.libraryName ? `${match.libraryName} · ` : ''}
            {match.fields.join(', ')}
          </span>
        </button>
      ))}
      {more > 0 && <span className="record-matches-label">and {more} more</span>}
    </div>
  );
}
