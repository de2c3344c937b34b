import type { ColorLabel } from '../../../../src/domain';

/** The colour labels, as Lightroom and Eagle have them: a colour and its name (colour is never the only signal). */
export const COLOR_LABELS: Record<ColorLabel, { name: string; color: string }> = {
  none: { name: 'No', color: 'transparent' },
  red: { name: 'Red', color: '#e5534b' },
  orange: { name: 'Orange', color: '#e0823d' },
  yellow: { name: 'Yellow', color: '#d9b430' },
  green: { name: 'Green', color: '#48b37a' },
  blue: { name: 'Blue', color: '#4c8df6' },
  purple: { name: 'Purple', color: '#9b6bdf' },
};

export const COLOR_LABEL_ORDER: ColorLabel[] = ['none', 'red', 'orange', 'yellow', 'green', 'blue', 'purple'];
