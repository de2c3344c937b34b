import { Images, ListTodo, PersonStanding, Settings, UserRound } from 'lucide-react';
import type { Section } from './navigation';
import { EmptyState } from '../ui/EmptyState';

/** The stage's content for the selected section of the navigator. */
export function SectionView(props: { section: Section }) {
  switch (props.section) {
    case 'characters':
      return (
        <EmptyState icon={<UserRound size={24} />} title="Describe your first character">
          A character is a name, a description that goes into the prompt, style words and reference images.
        </EmptyState>
      );
    case 'poses':
      return (
        <EmptyState icon={<PersonStanding size={24} />} title="Import poses">
          Pose sheets (several figures on one image, such as OpenPose skeletons) and single poses live in pose libraries.
        </EmptyState>
      );
    case 'results':
      return (
        <EmptyState icon={<Images size={24} />} title="No results yet">
          Generate a character sheet: pick a character and a pose sheet, then press Generate. Every result lands here with its receipt.
        </EmptyState>
      );
    case 'queue':
      return (
        <EmptyState icon={<ListTodo size={24} />} title="The queue is empty">
          Jobs you start wait here, go out when you are online, and never bill twice.
        </EmptyState>
      );
    case 'settings':
      return (
        <EmptyState icon={<Settings size={24} />} title="Settings">
          Your Segmind API key and generation limits.
        </EmptyState>
      );
  }
}
