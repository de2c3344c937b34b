import { useCallback } from 'react';
import { useNavigation } from '../../app/navigation';
import { requestIntent } from '../../app/commands';

/**
 * "Enter a new key" from anywhere: opens Settings with the key field focused, so the person can paste at
 * once (the credits pill, the banners and the queue all use it).
 */
export function useEnterNewKey(): () => void {
  const { go } = useNavigation();
  return useCallback(() => {
    go('settings');
    requestIntent('settings.key');
  }, [go]);
}
