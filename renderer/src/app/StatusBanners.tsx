import { KeyRound, WifiOff } from 'lucide-react';
import { useJobs, useKeyVerdict, useOnline } from '../features/queue/queue-data';
import { useEnterNewKey } from '../features/settings/enter-key';
import type { Section } from './navigation';
import './status.css';

/**
 * Quiet, one-line facts that hold wherever the person is: offline (generation waits, everything else
 * works) and a key Segmind rejected (with "Enter a new key"). The Queue and Settings say these in their
 * own words, so the banner steps aside there.
 */
export function StatusBanners(props: { section: Section }) {
  const online = useOnline();
  const verdict = useKeyVerdict();
  const jobs = useJobs();
  const enterNewKey = useEnterNewKey();
  const queueSaysKey = props.section === 'queue' && jobs.data?.state.paused?.code === 'KEY_REJECTED';
  const showOffline = !online && props.section !== 'queue';
  const showKey = verdict === 'rejected' && props.section !== 'settings' && !queueSaysKey;
  if (!showOffline && !showKey) return null;
  return (
    <div className="status-banners">
      {showOffline && (
        <div className="status-banner" role="status" data-testid="offline-banner">
          <WifiOff size={14} aria-hidden />
          <span>
            <strong>Offline.</strong> Generation waits and goes out by itself when Segmind can be reached;
            everything else works as usual.
          </span>
        </div>
      )}
      {showKey && (
        <div className="status-banner error" role="alert" data-testid="key-rejected-banner">
          <KeyRound size={14} aria-hidden />
          <span>
            <strong>Segmind rejected the API key.</strong> Jobs cannot go out until you enter a new one.
          </span>
          <button className="primary small" type="button" onClick={enterNewKey}>
            Enter a new key
          </button>
        </div>
      )}
    </div>
  );
}
