import { AlertTriangle, Coins, KeyRound, Loader2 } from 'lucide-react';
import { formatCredits, useCredits, useKeyVerdict, useSettings } from '../queue/queue-data';
import { useEnterNewKey } from './enter-key';
import { useNavigation } from '../../app/navigation';

/**
 * The Segmind balance, always in sight: amber when low, red at zero, "Add API key" when there is none.
 * Clicking it opens Spend (what the project's runs cost, the balance over time, the cap) and checks the
 * balance again on the way (the balance call is free).
 */
export function CreditsPill() {
  const credits = useCredits();
  const { go } = useNavigation();
  const openSpend = () => {
    go('spend');
    void credits.refetch();
  };
  const settings = useSettings();
  const low = settings.data?.lowCreditsWarning ?? 5;
  const verdict = useKeyVerdict();
  const enterNewKey = useEnterNewKey();

  if (credits.error?.code === 'KEY_MISSING') {
    return (
      <button
        className="pill pill-button accent"
        onClick={enterNewKey}
        title="Enter your Segmind API key in Settings"
      >
        <KeyRound size={14} aria-hidden /> Add API key
      </button>
    );
  }
  // Rejected by the balance call or by a job: the same word here as in Settings and the banners.
  if (verdict === 'rejected') {
    return (
      <button
        className="pill pill-button error"
        onClick={enterNewKey}
        title="Segmind did not accept the key: enter a new one in Settings"
      >
        <AlertTriangle size={14} aria-hidden /> Key not accepted
      </button>
    );
  }
  if (credits.error || !credits.data) {
    const reason =
      credits.error?.code === 'OFFLINE'
        ? 'Offline: the balance is checked when the network is back'
        : credits.error?.message;
    return (
      <button
        className="pill pill-button tabular"
        onClick={openSpend}
        title={
          reason
            ? `${reason}. Click to open Spend and try again.`
            : 'Checking the balance… Click to open Spend.'
        }
      >
        {credits.isFetching ? (
          <Loader2 size={14} className="spin" aria-hidden />
        ) : (
          <Coins size={14} aria-hidden />
        )}{' '}
        Credits <span aria-hidden>—</span>
        <span className="visually-hidden">unknown</span>
      </button>
    );
  }
  const value = credits.data.credits;
  const tone = value <= 0 ? 'error' : value < low ? 'warn' : '';
  const words = value <= 0 ? 'No credits left' : value < low ? 'Credits low' : 'Credits';
  return (
    <button
      className={`pill pill-button tabular ${tone}`}
      onClick={openSpend}
      title={`Segmind credits, checked ${new Date(credits.data.checkedAt).toLocaleTimeString()}. Click to see what this project spent (and check again).`}
      data-testid="credits-pill"
    >
      {/* The name is the visible text (axe: label-content-name-mismatch), with "Credits" for screen readers. */}
      {tone ? <AlertTriangle size={14} aria-hidden /> : <Coins size={14} aria-hidden />}
      {tone ? <span>{words}</span> : <span className="visually-hidden">{words}</span>}
      <span className="credits-value">{formatCredits(value)}</span>
    </button>
  );
}
