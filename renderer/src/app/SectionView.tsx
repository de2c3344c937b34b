import type { ProjectSummary } from '../../../src/domain';
import type { Section } from './navigation';
import { CharactersView } from '../features/characters/CharactersView';
import { PosesView } from '../features/poses/PosesView';
import { ResultsView } from '../features/results/ResultsView';
import { TrashView } from '../features/trash/TrashView';
import { QueueView } from '../features/queue/QueueView';
import { SettingsView } from '../features/settings/SettingsView';
import { SpendView } from '../features/spend/SpendView';

/** The stage's content for the selected section of the navigator. */
export function SectionView(props: { section: Section; project: ProjectSummary }) {
  switch (props.section) {
    case 'characters':
      return <CharactersView project={props.project} />;
    case 'poses':
      return <PosesView project={props.project} />;
    case 'results':
      return <ResultsView project={props.project} />;
    case 'trash':
      return <TrashView project={props.project} />;
    case 'queue':
      return <QueueView project={props.project} />;
    case 'spend':
      return <SpendView project={props.project} />;
    case 'settings':
      return <SettingsView />;
  }
}
