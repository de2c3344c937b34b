import { createContext, useContext } from 'react';

export type Section = 'characters' | 'poses' | 'results' | 'trash' | 'queue' | 'spend' | 'settings';

export interface Navigation {
  section: Section;
  go(section: Section): void;
}

export const NavigationContext = createContext<Navigation>({ section: 'results', go: () => undefined });
export const useNavigation = (): Navigation => useContext(NavigationContext);
