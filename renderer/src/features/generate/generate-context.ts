import { createContext, useContext } from 'react';

export interface GeneratePanelControl {
  isOpen: boolean;
  open(): void;
  close(): void;
  toggle(): void;
}

/** Opens and closes the Generate panel from anywhere (top bar, queue's empty state, shortcuts). */
export const GeneratePanelContext = createContext<GeneratePanelControl>({
  isOpen: false,
  open: () => undefined,
  close: () => undefined,
  toggle: () => undefined,
});
export const useGeneratePanel = (): GeneratePanelControl => useContext(GeneratePanelContext);

export const GENERATE_PANEL_COMBO = 'Mod+G';
export const GENERATE_COMBO = 'Mod+Enter';
